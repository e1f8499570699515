using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// Crash safety of the repair Repair-MailIndex runs: tests/RepairCrash with --repairer runs <see cref="MailboxRepairer"/>
/// (lock, verify, plan, the planned primitives, verify again) on a damaged Maildir in its own process, and is
/// SIGKILLed at a random moment, 50 times. Each time no original is lost (each damaged file is in place as it was or
/// whole in the quarantine), a copy of the killed state opens in Dovecot with the baseline's UIDs and flags, and a
/// second run finishes, after which Dovecot opens the mailbox without an error or a warning and shows the baseline.
/// </summary>
public sealed class MailboxRepairerCrashTests : IClassFixture<RepairTemplate>
{
    private const int Kills = 50;

    private const int Lanes = 2;

    /// <summary>
    /// Two sets of damage, used in turn, so that every step of the plan has work under the kills: uidlist, index
    /// header and cache; uidlist, log (then the header fix that follows a cut) and cache. Damage to the index and the
    /// log together is left out: Dovecot 2.3.19 itself panics on some killed states of it (see CorruptionTests).
    /// </summary>
    private static readonly Damage[][] CrashDamage =
    {
        new[] { Damage.IndexNextUidZero, Damage.IndexSeenDeletedCountsWrong, Damage.CacheHeaderBroken, Damage.UidListNextUidTooLow },
        new[] { Damage.LogGarbageAtEof, Damage.CacheGarbage, Damage.UidListNextUidTooLow },
    };

    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public MailboxRepairerCrashTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

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
    public async Task Repairer_killed_at_random_moments_loses_no_original_and_Dovecot_keeps_every_UID()
    {
        var watch = Stopwatch.StartNew();

        // When each applied step ends, from "go" (the first step includes taking the lock and verifying).
        var ends = new List<double[]>();
        for (int set = 0; set < CrashDamage.Length; set++)
        {
            using RepairMailbox calibration = Damaged(set);
            string log = await RunToEnd(calibration);
            ends.Add(StepEnds(log));
            output.WriteLine("damage set " + set + ": " + string.Join(" | ", log.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal))));
            Assert.True(ends[^1].Length >= 3, "the plan for damage set " + set + " has too few steps: " + log);
        }

        // Two lanes of kills at once, each on its own copies (the machine has at least two cores; the work is mostly
        // waiting for doveadm and for process starts).
        var reached = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await Task.WhenAll(Enumerable.Range(0, Lanes).Select(lane => Task.Run(async () =>
        {
            var random = new Random(20261201 + lane);
            for (int i = lane; i < Kills; i += Lanes)
            {
                string key = await KillOnce(i, random, ends);
                lock (reached)
                {
                    reached[key] = reached.GetValueOrDefault(key) + 1;
                }
            }
        })));

        output.WriteLine(Kills + " kills in " + watch.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s; reached: " + string.Join(", ", reached.Select(p => p.Key + " x" + p.Value)));

        // Kills must land inside the repair, not all before its first step or after its last.
        Assert.True(reached.Keys.Count(k => !k.EndsWith("finished", StringComparison.Ordinal)) >= 4, "the kills landed at too few points of the repair: " + string.Join(", ", reached));
    }

    /// <summary>One kill: damage a copy, kill the repair in it, check the originals, the killed state and a second run.</summary>
    private async Task<string> KillOnce(int i, Random random, List<double[]> ends)
    {
        int set = i % CrashDamage.Length;
        using RepairMailbox mailbox = Damaged(set);
        var originals = CorruptionTests.Capture(mailbox);
        int step = random.Next(ends[set].Length);
        double start = step == 0 ? 0 : ends[set][step - 1];
        TimeSpan delay = TimeSpan.FromMilliseconds(random.NextDouble() * (ends[set][step] - start));
        (int steps, bool finished) = await KillDuring(mailbox, step, delay);
        string at = "kill " + i + " (damage " + string.Join("+", CrashDamage[set]) + ") aimed at step " + (step + 1) + " +" +
            delay.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms (" + (finished ? "finished" : steps + " step(s) done") + ")";

        AssertNoOriginalLost(mailbox, originals, at);
        using (RepairMailbox killed = mailbox.Clone())
        {
            OpenReport report = killed.Open();
            Assert.True(report.Snapshot.Differences(template.Baseline!).Count == 0, at + ": Dovecot shows other UIDs or flags in the killed state: " + string.Join("; ", report.Snapshot.Differences(template.Baseline!)) + " (Dovecot said: " + string.Join(" | ", report.Problems) + ")");
        }

        string again = await RunToEnd(mailbox);
        AssertNoOriginalLost(mailbox, originals, at + ", then repaired again");
        OpenReport opened = mailbox.Open();
        Assert.True(opened.Problems.Count == 0, at + ": Dovecot complained after the repair was run again: " + string.Join(" | ", opened.Problems) + "\n" + again);
        Assert.True(opened.Snapshot.Differences(template.Baseline!).Count == 0, at + ": not the baseline after the second run: " + string.Join("; ", opened.Snapshot.Differences(template.Baseline!)));
        return "set " + set + ": " + (finished ? "finished" : steps + " step(s)");
    }

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
        info.ArgumentList.Add("--repairer");
        return Process.Start(info) ?? throw new InvalidOperationException("RepairCrash did not start");
    }

    private static async Task Ready(Process child)
    {
        string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(line != null && line.StartsWith("ready ", StringComparison.Ordinal), "RepairCrash did not get ready: " + line);
    }

    private static async Task<string> RunToEnd(RepairMailbox mailbox)
    {
        using Process child = Start(mailbox);
        await Ready(child);
        var stderr = child.StandardError.ReadToEndAsync();
        await child.StandardInput.WriteLineAsync("go");
        await child.StandardInput.FlushAsync();
        string rest = await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(90));
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string log = rest + await stderr;
        Assert.True(child.ExitCode == 0 && rest.Contains("done", StringComparison.Ordinal), "the repair did not finish (exit " + child.ExitCode + "): " + log);
        return log;
    }

    /// <summary>Starts a repair, waits for <paramref name="step"/> step lines, SIGKILLs it <paramref name="delay"/> later.</summary>
    private static async Task<(int Steps, bool Finished)> KillDuring(RepairMailbox mailbox, int step, TimeSpan delay)
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
        return (lines.Count(l => l.StartsWith("step ", StringComparison.Ordinal)), lines.Contains("done"));
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
