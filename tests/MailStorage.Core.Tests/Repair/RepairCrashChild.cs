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

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// What the two crash tests share: tests/RepairCrash started on a copy of the template (running the primitives, or
/// <see cref="MailboxRepairer"/> with <c>repairer</c>), run to its end or SIGKILLed during a chosen step, and the check
/// that no original was lost. One copy of it, so that both tests kill and judge the same way.
/// </summary>
internal static class RepairCrashChild
{
    /// <summary>
    /// Two sets of damage, used in turn, so that every step has work under the kills: the index header, the cache and
    /// the uidlist; the log (then the header fix that follows a cut), the cache and the uidlist. Damage to the index and
    /// the log together is left out: Dovecot 2.3.19 itself panics or segfaults on some killed states of it (see
    /// CorruptionTests).
    /// </summary>
    public static readonly Damage[][] CrashDamage =
    {
        new[] { Damage.IndexNextUidZero, Damage.IndexSeenDeletedCountsWrong, Damage.CacheHeaderBroken, Damage.UidListNextUidTooLow },
        new[] { Damage.LogGarbageAtEof, Damage.CacheGarbage, Damage.UidListNextUidTooLow },
    };

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

    /// <summary>A copy of the template with damage set <paramref name="set"/> of <see cref="CrashDamage"/> applied.</summary>
    public static RepairMailbox Damaged(RepairTemplate template, int set)
    {
        RepairMailbox mailbox = template.Clone();
        foreach (Damage damage in CrashDamage[set])
        {
            CorruptionGenerator.Apply(damage, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        }

        return mailbox;
    }

    /// <summary>When each step ended, in ms from "go", read from RepairCrash's "step" lines.</summary>
    public static double[] StepEnds(string log) =>
        log.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Fails unless every original file is either in place unchanged or whole in the quarantine.</summary>
    public static void AssertNoOriginalLost(RepairMailbox mailbox, Dictionary<string, OriginalFile> originals, string at)
    {
        foreach (var (name, original) in originals)
        {
            string path = mailbox.FileOf(name);
            bool inPlace = File.Exists(path) && CorruptionTests.Sha256(File.ReadAllBytes(path)) == original.Sha256;
            Assert.True(inPlace || InQuarantine(mailbox, original.Sha256), at + ": the original " + name + " is neither in place nor whole in the quarantine");
        }
    }

    /// <summary>Runs a whole repair: how long it took from "go", and what it printed.</summary>
    public static async Task<(TimeSpan Took, string Output)> RunToEnd(RepairMailbox mailbox, bool repairer)
    {
        using Process child = Start(mailbox, repairer);
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
    /// <paramref name="delay"/> later; returns the steps it finished and whether it got to "done".
    /// </summary>
    public static async Task<(int Steps, bool Finished)> KillDuring(RepairMailbox mailbox, bool repairer, int step, TimeSpan delay)
    {
        using Process child = Start(mailbox, repairer);
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

        // A spin, not a timer: the delays are fractions of a millisecond, aimed inside one step.
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

    private static bool InQuarantine(RepairMailbox mailbox, string sha256)
    {
        string root = CorruptionTests.QuarantineRoot(mailbox);
        return Directory.Exists(root) && Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != QuarantineEntry.ManifestName)
            .Any(f => CorruptionTests.Sha256(File.ReadAllBytes(f)) == sha256);
    }

    private static Process Start(RepairMailbox mailbox, bool repairer)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        info.ArgumentList.Add(mailbox.Maildir);
        info.ArgumentList.Add(CorruptionTests.QuarantineRoot(mailbox));
        if (repairer)
        {
            info.ArgumentList.Add("--repairer");
        }

        return Process.Start(info) ?? throw new InvalidOperationException("RepairCrash did not start");
    }

    private static async Task Ready(Process child)
    {
        string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(line != null && line.StartsWith("ready ", StringComparison.Ordinal), "RepairCrash did not get ready: " + line);
    }
}
