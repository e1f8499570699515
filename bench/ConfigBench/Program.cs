using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;

// Reads a Dovecot tree in-process (parse, evaluate, render doveconf -n) and times it warm, then times the
// doveconf -n process on the same tree; prints both medians and their ratio.
// With --lint [config profile]...: read + lint (what Test-MailStorageConfig does) instead; see LintBench.
if (args.Length > 0 && args[0] == "--lint")
{
    return LintBench.Run(args.Skip(1).ToArray(), 200);
}

string path = args.Length > 0 ? args[0] : "/etc/dovecot/dovecot.conf";
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;

for (int i = 0; i < 50; i++)
{
    Check(ConfigReader.Read(path));
}

var ours = new List<double>();
for (int i = 0; i < runs; i++)
{
    var watch = Stopwatch.StartNew();
    var config = ConfigReader.Read(path);
    string text = DoveconfWriter.Render(config);
    watch.Stop();
    Check(config);
    GC.KeepAlive(text);
    ours.Add(watch.Elapsed.TotalMilliseconds);
}

var doveconf = new List<double>();
for (int i = 0; i < Math.Min(runs, 30); i++)
{
    var psi = new ProcessStartInfo("doveconf") { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add("-c");
    psi.ArgumentList.Add(path);
    psi.ArgumentList.Add("-n");
    var watch = Stopwatch.StartNew();
    using var process = Process.Start(psi)!;
    process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    watch.Stop();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("doveconf -n failed on " + path);
    }

    doveconf.Add(watch.Elapsed.TotalMilliseconds);
}

double oursMedian = Median(ours), doveconfMedian = Median(doveconf);
Console.WriteLine(FormattableString.Invariant($"config:            {path}"));
Console.WriteLine(FormattableString.Invariant($"MailStorage (warm, in-process, {ours.Count} runs): median {oursMedian:F3} ms, p90 {Percentile(ours, 0.9):F3} ms"));
Console.WriteLine(FormattableString.Invariant($"doveconf -n (process, {doveconf.Count} runs):       median {doveconfMedian:F3} ms"));
Console.WriteLine(FormattableString.Invariant($"ratio doveconf/MailStorage: {doveconfMedian / oursMedian:F1}x"));
return 0;

static void Check(DovecotConfig config)
{
    if (config.FatalError != null)
    {
        throw new InvalidOperationException(config.FatalError.DoveconfText);
    }
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
