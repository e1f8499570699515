using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.Locking;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// Crash safety: tests/RepairCrash runs every primitive on a damaged Maildir in its own process and is SIGKILLed at a
/// random moment of the repair, 50 times. Each time no original is lost (each damaged file is either in place as it
/// was or whole in the quarantine), a copy of the killed state opens in Dovecot with the baseline's UIDs and flags,
/// and running the repair again finishes, after which Dovecot opens the mailbox without an error or a warning and
/// shows the baseline.
/// </summary>
public sealed class RepairCrashTests : IClassFixture<RepairTemplate>
{
    private const int Kills = 50;

    /// <summary>
    /// Two sets of damage, used in turn, so that every primitive of the run has work under the kills: the index
    /// header, the cache and the uidlist; the log, the cache and the uidlist. Each set is one Dovecot survives with the
    /// baseline's UIDs and flags whichever files the killed run did repair; damage to the index and the log together
    /// is not (Dovecot 2.3.19 panics or segfaults on it: see CorruptionTests), so no set has both.
    /// </summary>
    private static readonly Damage[][] CrashDamage =
    {
        new[] { Damage.IndexNextUidZero, Damage.IndexSeenDeletedCountsWrong, Damage.CacheHeaderBroken, Damage.UidListNextUidTooLow },
        new[] { Damage.LogGarbageAtEof, Damage.CacheGarbage, Damage.UidListNextUidTooLow },
    };

    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public RepairCrashTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    /// <summary>The built RepairCrash.dll of the same configuration as these tests.</summary>
    private static string Dll
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains("/release/", StringComparison.Ordinal) ? "release" : "debug";
            string dll = Path.Combine(TestCommand.RepositoryRoot, "artifacts", "bin", "RepairCrash", configuration, "RepairCrash.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException(dll + " is missing: build tests/RepairCrash (the test project references it).");
        }
    }

    [Fact]
    public async Task Repair_killed_at_random_moments_loses_no_original_and_Dovecot_keeps_every_UID()
    {
        var random = new Random(20261130);
        var watch = Stopwatch.StartNew();

        // When each step ends, from "go" (lock, then the four primitives), for each set of damage: a kill is aimed
        // at a random step and a random moment inside it, so every step is hit, not only the slow start.
        var ends = new List<double[]>();
        for (int set = 0; set < CrashDamage.Length; set++)
        {
            using RepairMailbox calibration = Damaged(set);
            (_, string log) = await RunToEnd(calibration);
            ends.Add(StepEnds(log));
            output.WriteLine("damage set " + set + ": steps end at " + string.Join(", ", ends[^1].Select(ms => ms.ToString("0.0", CultureInfo.InvariantCulture))) + " ms");
        }

        var reached = new SortedDictionary<int, int>();
        int leftTemporaries = 0;
        for (int i = 0; i < Kills; i++)
        {
            int set = i % CrashDamage.Length;
            using RepairMailbox mailbox = Damaged(set);
            var originals = CorruptionTests.Capture(mailbox);
            int step = random.Next(ends[set].Length);
            double start = step == 0 ? 0 : ends[set][step - 1];
            TimeSpan delay = TimeSpan.FromMilliseconds(random.NextDouble() * (ends[set][step] - start));
            int steps = await KillDuring(mailbox, step, delay);
            reached[steps] = reached.GetValueOrDefault(steps) + 1;
            string at = "kill " + i + " (damage " + string.Join("+", CrashDamage[set]) + ") aimed at step " + (step + 1) + " +" +
                delay.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms (" + (steps == 5 ? "finished" : steps + " step(s) done") + ")";

            AssertNoOriginalLost(mailbox, originals, at);
            if (Directory.EnumerateFiles(mailbox.Maildir, "*.mailstorage-*.tmp").Any())
            {
                leftTemporaries++;
            }

            using (RepairMailbox killed = mailbox.Clone())
            {
                OpenReport report = killed.Open();
                MailboxSnapshot seen = report.Snapshot;
                Assert.True(seen.Differences(template.Baseline!).Count == 0, at + ": Dovecot shows other UIDs or flags in the killed state: " + string.Join("; ", seen.Differences(template.Baseline!)) + " (Dovecot said: " + string.Join(" | ", report.Problems) + ")");
            }

            (_, string log) = await RunToEnd(mailbox);
            AssertNoOriginalLost(mailbox, originals, at + ", then repaired again");
            Assert.Empty(Directory.EnumerateFiles(mailbox.Maildir, "*.mailstorage-*.tmp"));
            OpenReport opened = mailbox.Open();
            Assert.True(opened.Problems.Count == 0, at + ": Dovecot complained after the repair was run again: " + string.Join(" | ", opened.Problems) + "\n" + log);
            Assert.True(opened.Snapshot.Differences(template.Baseline!).Count == 0, at + ": not the baseline after the second run: " + string.Join("; ", opened.Snapshot.Differences(template.Baseline!)));
        }

        output.WriteLine(Kills + " kills in " + watch.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s; steps done when killed: " +
            string.Join(", ", reached.Select(p => (p.Key == 5 ? "finished" : p.Key + " step(s)") + ": " + p.Value)) +
            "; " + leftTemporaries + " kill(s) left a temporary file, removed by the next run");

        // The kills must not all land before the first step or after the last (a short step can be overshot by the
        // time it takes to read its line, so not every step is required).
        Assert.True(reached.Keys.Count(k => k < 4) >= 2, "the kills landed at too few points of the repair: " + string.Join(", ", reached));
    }

    /// <summary>When each of the four steps ended, in ms from "go", read from RepairCrash's "step" lines.</summary>
    private static double[] StepEnds(string log) =>
        log.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToArray();

    private static bool InQuarantine(RepairMailbox mailbox, string sha256)
    {
        string root = mailbox.FileOf(Quarantine.DefaultFolderName);
        return Directory.Exists(root) && Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != QuarantineEntry.ManifestName)
            .Any(f => CorruptionTests.Sha256(File.ReadAllBytes(f)) == sha256);
    }

    private static void AssertNoOriginalLost(RepairMailbox mailbox, Dictionary<string, OriginalFile> originals, string at)
    {
        foreach (var (name, original) in originals)
        {
            string path = mailbox.FileOf(name);
            bool inPlace = File.Exists(path) && CorruptionTests.Sha256(File.ReadAllBytes(path)) == original.Sha256;
            Assert.True(inPlace || InQuarantine(mailbox, original.Sha256), at + ": the original " + name + " is neither in place nor whole in the quarantine");
        }
    }

    private static Process Start(RepairMailbox mailbox)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        info.ArgumentList.Add(mailbox.Maildir);
        info.ArgumentList.Add("-");
        return Process.Start(info) ?? throw new InvalidOperationException("RepairCrash did not start");
    }

    private static async Task Ready(Process child)
    {
        string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(line != null && line.StartsWith("ready ", StringComparison.Ordinal), "RepairCrash did not get ready: " + line);
    }

    /// <summary>Runs a whole repair: how long it took from "go", and what it printed.</summary>
    private static async Task<(TimeSpan Took, string Output)> RunToEnd(RepairMailbox mailbox)
    {
        using Process child = Start(mailbox);
        await Ready(child);
        var stderr = child.StandardError.ReadToEndAsync();
        var go = Stopwatch.StartNew();
        await child.StandardInput.WriteLineAsync("go");
        await child.StandardInput.FlushAsync();
        string rest = await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(90));
        TimeSpan took = go.Elapsed;
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string log = rest + await stderr;
        Assert.True(child.ExitCode == 0 && rest.Contains("done", StringComparison.Ordinal), "the repair did not finish (exit " + child.ExitCode + "): " + log);
        return (took, log);
    }

    /// <summary>
    /// Starts a repair, waits until it reported <paramref name="step"/> steps done, then SIGKILLs it
    /// <paramref name="delay"/> later; returns the steps it finished (5: all, and done).
    /// </summary>
    private static async Task<int> KillDuring(RepairMailbox mailbox, int step, TimeSpan delay)
    {
        using Process child = Start(mailbox);
        await Ready(child);
        var stderr = child.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        await child.StandardInput.WriteLineAsync("go");
        await child.StandardInput.FlushAsync();
        while (lines.Count(l => l.StartsWith("step ", StringComparison.Ordinal)) < step)
        {
            string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line == null)
            {
                break;
            }

            lines.Add(line);
        }

        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < delay)
        {
            Thread.SpinWait(100);
        }

        child.Kill();
        lines.AddRange((await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30))).Split('\n'));
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _ = await stderr;
        return lines.Contains("done") ? 5 : lines.Count(l => l.StartsWith("step ", StringComparison.Ordinal));
    }

    private RepairMailbox Damaged(int set)
    {
        RepairMailbox mailbox = template.Clone();
        foreach (Damage damage in CrashDamage[set])
        {
            CorruptionGenerator.Apply(damage, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        }

        return mailbox;
    }
}
