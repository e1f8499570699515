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

    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public MailboxRepairerCrashTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    [Fact]
    public async Task Repairer_killed_at_random_moments_loses_no_original_and_Dovecot_keeps_every_UID()
    {
        var watch = Stopwatch.StartNew();

        // When each applied step ends, from "go" (the first step includes taking the lock and verifying).
        var ends = new List<double[]>();
        for (int set = 0; set < RepairCrashChild.CrashDamage.Length; set++)
        {
            using RepairMailbox calibration = RepairCrashChild.Damaged(template, set);
            (_, string log) = await RepairCrashChild.RunToEnd(calibration, repairer: true);
            ends.Add(RepairCrashChild.StepEnds(log));
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
        int set = i % RepairCrashChild.CrashDamage.Length;
        using RepairMailbox mailbox = RepairCrashChild.Damaged(template, set);
        var originals = CorruptionTests.Capture(mailbox);
        int step = random.Next(ends[set].Length);
        double start = step == 0 ? 0 : ends[set][step - 1];
        TimeSpan delay = TimeSpan.FromMilliseconds(random.NextDouble() * (ends[set][step] - start));
        (int steps, bool finished) = await RepairCrashChild.KillDuring(mailbox, repairer: true, step, delay);
        string at = "kill " + i + " (damage " + string.Join("+", RepairCrashChild.CrashDamage[set]) + ") aimed at step " + (step + 1) + " +" +
            delay.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms (" + (finished ? "finished" : steps + " step(s) done") + ")";

        RepairCrashChild.AssertNoOriginalLost(mailbox, originals, at);
        using (RepairMailbox killed = mailbox.Clone())
        {
            OpenReport report = killed.Open();
            Assert.True(report.Snapshot.Differences(template.Baseline!).Count == 0, at + ": Dovecot shows other UIDs or flags in the killed state: " + string.Join("; ", report.Snapshot.Differences(template.Baseline!)) + " (Dovecot said: " + string.Join(" | ", report.Problems) + ")");
        }

        (_, string again) = await RepairCrashChild.RunToEnd(mailbox, repairer: true);
        RepairCrashChild.AssertNoOriginalLost(mailbox, originals, at + ", then repaired again");
        OpenReport opened = mailbox.Open();
        Assert.True(opened.Problems.Count == 0, at + ": Dovecot complained after the repair was run again: " + string.Join(" | ", opened.Problems) + "\n" + again);
        Assert.True(opened.Snapshot.Differences(template.Baseline!).Count == 0, at + ": not the baseline after the second run: " + string.Join("; ", opened.Snapshot.Differences(template.Baseline!)));
        return "set " + set + ": " + (finished ? "finished" : steps + " step(s)");
    }
}
