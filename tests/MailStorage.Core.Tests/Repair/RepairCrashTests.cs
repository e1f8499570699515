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
/// Crash safety: tests/RepairCrash runs every primitive on a damaged Maildir in its own process and is SIGKILLed at a
/// random moment of the repair, 50 times. Each time no original is lost (each damaged file is either in place as it
/// was or whole in the quarantine), a copy of the killed state opens in Dovecot with the baseline's UIDs and flags,
/// and running the repair again finishes, after which Dovecot opens the mailbox without an error or a warning and
/// shows the baseline.
/// </summary>
public sealed class RepairCrashTests : IClassFixture<RepairTemplate>
{
    private const int Kills = 50;

    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public RepairCrashTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    [Fact]
    public async Task Repair_killed_at_random_moments_loses_no_original_and_Dovecot_keeps_every_UID()
    {
        var random = new Random(20261130);
        var watch = Stopwatch.StartNew();

        // When each step ends, from "go" (lock, then the four primitives), for each set of damage: a kill is aimed
        // at a random step and a random moment inside it, so every step is hit, not only the slow start.
        var ends = new List<double[]>();
        for (int set = 0; set < RepairCrashChild.CrashDamage.Length; set++)
        {
            using RepairMailbox calibration = RepairCrashChild.Damaged(template, set);
            (_, string log) = await RepairCrashChild.RunToEnd(calibration, repairer: false);
            ends.Add(RepairCrashChild.StepEnds(log));
            output.WriteLine("damage set " + set + ": steps end at " + string.Join(", ", ends[^1].Select(ms => ms.ToString("0.0", CultureInfo.InvariantCulture))) + " ms");
        }

        var reached = new SortedDictionary<int, int>();
        int leftTemporaries = 0;
        for (int i = 0; i < Kills; i++)
        {
            int set = i % RepairCrashChild.CrashDamage.Length;
            using RepairMailbox mailbox = RepairCrashChild.Damaged(template, set);
            var originals = CorruptionTests.Capture(mailbox);
            int step = random.Next(ends[set].Length);
            double start = step == 0 ? 0 : ends[set][step - 1];
            TimeSpan delay = TimeSpan.FromMilliseconds(random.NextDouble() * (ends[set][step] - start));
            (int done, bool finished) = await RepairCrashChild.KillDuring(mailbox, repairer: false, step, delay);
            int steps = finished ? 5 : done;
            reached[steps] = reached.GetValueOrDefault(steps) + 1;
            string at = "kill " + i + " (damage " + string.Join("+", RepairCrashChild.CrashDamage[set]) + ") aimed at step " + (step + 1) + " +" +
                delay.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms (" + (steps == 5 ? "finished" : steps + " step(s) done") + ")";

            RepairCrashChild.AssertNoOriginalLost(mailbox, originals, at);
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

            (_, string log) = await RepairCrashChild.RunToEnd(mailbox, repairer: false);
            RepairCrashChild.AssertNoOriginalLost(mailbox, originals, at + ", then repaired again");
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
}
