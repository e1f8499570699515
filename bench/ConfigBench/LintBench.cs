using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;

/// <summary>
/// <c>ConfigBench --lint [config profile]...</c>: what Test-MailStorageConfig does in-process (read the tree,
/// run every rule against the profile), timed warm, against a <c>doveconf -n</c> process on the same tree.
/// Without arguments: the bundled example with its profile, and Debian's tree with a local ext4 profile.
/// </summary>
internal static class LintBench
{
    private const string LocalExt4 = "dovecot: \"2.3\"\ntopology: single\nmounts:\n  - path: /\n    type: ext4\n";

    public static int Run(string[] args, int runs)
    {
        var cases = new List<(string Config, StorageProfile Profile)>();
        if (args.Length == 0)
        {
            cases.Add(("examples/dovecot.conf", StorageProfile.Load("examples/mailstorage.yaml")));
            cases.Add(("/etc/dovecot/dovecot.conf", StorageProfile.Parse(new StringReader(LocalExt4), "(local ext4)")));
        }
        else
        {
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                cases.Add((args[i], StorageProfile.Load(args[i + 1])));
            }
        }

        foreach (var (config, profile) in cases)
        {
            Measure(config, profile, runs);
        }

        return 0;
    }

    private static void Measure(string path, StorageProfile profile, int runs)
    {
        LintResult? last = null;
        for (int i = 0; i < 50; i++)
        {
            last = ConfigLinter.Lint(ConfigReader.Read(path), profile);
        }

        var read = new List<double>();
        var lint = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var config = ConfigReader.Read(path);
            double afterRead = watch.Elapsed.TotalMilliseconds;
            last = ConfigLinter.Lint(config, profile);
            watch.Stop();
            read.Add(afterRead);
            lint.Add(watch.Elapsed.TotalMilliseconds);
        }

        var doveconf = Timing.DoveconfRuns(path, Math.Min(runs, 30));

        double ours = Timing.Median(lint), theirs = Timing.Median(doveconf);
        var findings = last!.Diagnostics.GroupBy(d => d.Severity).OrderByDescending(g => g.Key).Select(g => g.Count() + " " + g.Key.ToString().ToLowerInvariant());
        Console.WriteLine(FormattableString.Invariant($"config:  {path}   profile: {profile.SourcePath}"));
        Console.WriteLine(FormattableString.Invariant($"  {last.Rules.Count} rules ran, {last.Diagnostics.Count} findings ({string.Join(", ", findings)})"));
        Console.WriteLine(FormattableString.Invariant($"  read + lint (warm, in-process, {lint.Count} runs): median {ours:F3} ms (read {Timing.Median(read):F3} ms), p90 {Timing.Percentile(lint, 0.9):F3} ms"));
        Console.WriteLine(FormattableString.Invariant($"  doveconf -n (process, {doveconf.Count} runs):        median {theirs:F3} ms"));
        Console.WriteLine(FormattableString.Invariant($"  ratio doveconf/lint: {theirs / ours:F1}x"));
    }
}
