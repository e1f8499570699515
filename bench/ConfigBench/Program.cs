using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;

// Reads a Dovecot tree in-process (parse, evaluate, render doveconf -n) and times it warm, then times the
// doveconf -n process on the same tree; prints both medians and their ratio.
// With --lint [config profile]...: read + lint (what Test-MailStorageConfig does) instead; see LintBench.
// With --generate DIR MB or --memory read|lint|render FILE: the big-tree memory benchmark; see MemoryBench.
if (args.Length > 0 && args[0] == "--generate")
{
    return MemoryBench.Generate(args.Skip(1).ToArray());
}

if (args.Length > 2 && args[0] == "--memory")
{
    return MemoryBench.Measure(args[1], args[2]);
}

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

var doveconf = Timing.DoveconfRuns(path, Math.Min(runs, 30));

double oursMedian = Timing.Median(ours), doveconfMedian = Timing.Median(doveconf);
Console.WriteLine(FormattableString.Invariant($"config:            {path}"));
Console.WriteLine(FormattableString.Invariant($"MailStorage (warm, in-process, {ours.Count} runs): median {oursMedian:F3} ms, p90 {Timing.Percentile(ours, 0.9):F3} ms"));
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


