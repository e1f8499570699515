using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using MailStorage.Core.Index;
using MailStorage.Core.Repair;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// Every kind of damage of the generator, on copies of one Maildir built by doveadm: first that the damage is real
/// (Dovecot logs an error or warning opening the copy, or shows other UIDs or flags than before), then, for the kinds a
/// primitive repairs, that after the repair Dovecot opens the mailbox without an error or warning, shows the baseline's
/// UIDVALIDITY, UIDNEXT, UIDs and flags (\Recent aside), keeps doing so after new writes, and that the quarantine
/// holds the damaged original byte for byte with its owner, mode and mtime.
/// </summary>
public sealed class CorruptionTests : IClassFixture<RepairTemplate>
{
    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public CorruptionTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    public static TheoryData<Damage> AllDamage()
    {
        var data = new TheoryData<Damage>();
        foreach (Damage damage in CorruptionGenerator.All)
        {
            data.Add(damage);
        }

        return data;
    }

    public static TheoryData<Damage> RepairableDamage()
    {
        var data = new TheoryData<Damage>();
        foreach (Damage damage in CorruptionGenerator.All.Where(d => CorruptionGenerator.PlanOf(d) != RepairPlan.None))
        {
            data.Add(damage);
        }

        return data;
    }

    [Fact]
    public void Generator_makes_at_least_15_kinds_of_damage_on_every_index_file()
    {
        Assert.True(CorruptionGenerator.All.Count >= 15);
        Assert.Equal(
            new[] { "dovecot-uidlist", "dovecot.index", "dovecot.index.cache", "dovecot.index.log" },
            CorruptionGenerator.All.Select(CorruptionGenerator.FileOf).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Undamaged_copy_passes_every_probe()
    {
        // The control for the next test: the probes see nothing wrong in a sound mailbox.
        using RepairMailbox mailbox = template.Clone();
        IReadOnlyList<string> seen = Probe(mailbox, DamageProbe.OpenAndWrite, template.Baseline!, out MailboxSnapshot after);
        Assert.Empty(seen);
        Assert.Empty(after.Differences(template.Baseline!));

        using RepairMailbox other = template.Clone();
        Assert.Empty(Probe(other, DamageProbe.LoseIndexThenDeliver, template.Baseline!, out _));
    }

    [Theory]
    [MemberData(nameof(AllDamage))]
    public void Damage_is_real_to_Dovecot(Damage damage)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(damage, mailbox.Maildir, Outside(mailbox));
        IReadOnlyList<string> seen = Probe(mailbox, CorruptionGenerator.ProbeOf(damage), template.Baseline!, out MailboxSnapshot after);
        var evidence = seen.Concat(CorruptionGenerator.ProbeOf(damage) == DamageProbe.OpenAndWrite ? after.Differences(template.Baseline!) : Array.Empty<string>()).ToList();
        foreach (string line in evidence)
        {
            output.WriteLine(line);
        }

        Assert.True(evidence.Count > 0, damage + ": Dovecot saw nothing wrong");
    }

    [Theory]
    [MemberData(nameof(RepairableDamage))]
    public void Primitive_repairs_damage_and_Dovecot_opens_the_mailbox_cleanly(Damage damage)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(damage, mailbox.Maildir, Outside(mailbox));
        var originals = Capture(mailbox);

        IReadOnlyList<RepairResult> results = Run(mailbox, CorruptionGenerator.PlanOf(damage), Quarantine.Under(QuarantineRoot(mailbox)));
        foreach (RepairResult result in results)
        {
            output.WriteLine(result.ToString());
        }

        Assert.Contains(results, r => r.Changed);
        if (CorruptionGenerator.ProbeOf(damage) == DamageProbe.LoseIndexThenDeliver)
        {
            // On a copy, before Dovecot opens the repaired mailbox (its sync would mend the uidlist by itself).
            using RepairMailbox copy = mailbox.Clone();
            Assert.Empty(Probe(copy, DamageProbe.LoseIndexThenDeliver, template.Baseline!, out _));
        }

        AssertOpensLikeBaseline(mailbox, damage.ToString());
        AssertQuarantined(results, originals);
    }

    [Fact]
    public void Index_log_cache_and_uidlist_damaged_together_are_repaired_where_Dovecot_itself_breaks_down()
    {
        // Dovecot 2.3.19 meets this combination with a panic (mail-transaction-log.c: assertion log->files == NULL)
        // or a segfault while it recovers, and renumbers the mailbox for the uidlist.
        Damage[] together = { Damage.LogGarbageAtEof, Damage.IndexNextUidZero, Damage.IndexSeenDeletedCountsWrong, Damage.CacheGarbage, Damage.UidListOutOfOrder };
        using RepairMailbox mailbox = template.Clone();
        foreach (Damage damage in together)
        {
            CorruptionGenerator.Apply(damage, mailbox.Maildir, Outside(mailbox));
        }

        using (RepairMailbox copy = mailbox.Clone())
        {
            IReadOnlyList<string> seen = Probe(copy, DamageProbe.OpenAndWrite, template.Baseline!, out MailboxSnapshot after);
            foreach (string line in seen.Where(l => l.Contains("Panic", StringComparison.Ordinal) || l.StartsWith("exit code", StringComparison.Ordinal)).Take(5))
            {
                output.WriteLine("unrepaired copy: " + line);
            }

            Assert.NotEmpty(seen.Concat(after.Differences(template.Baseline!)));
        }

        var originals = Capture(mailbox);
        using (var quarantine = Quarantine.Under(QuarantineRoot(mailbox)))
        using (var held = mailbox.Lock())
        using (var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine))
        {
            var results = new[] { repair.CutTransactionLog(), repair.FixIndexHeader(), repair.QuarantineIndexFile(DovecotFileNames.IndexCache), repair.RebuildUidList() };
            Assert.All(results, r => Assert.True(r.Changed, r.ToString()));
            AssertQuarantined(results, originals);
        }

        AssertOpensLikeBaseline(mailbox, "index, log, cache and uidlist damaged together");
    }

    [Fact]
    public void Log_sequence_mismatch_is_left_to_Dovecot_which_recovers_without_loss()
    {
        // The one kind no primitive takes (see CorruptionGenerator.PlanOf): Dovecot logs errors, fscks, and ends with
        // the baseline's UIDs and flags.
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.LogFileSeqMismatch, mailbox.Maildir, Outside(mailbox));
        Assert.NotEmpty(Probe(mailbox, DamageProbe.OpenAndWrite, template.Baseline!, out MailboxSnapshot after));
        Assert.Empty(after.Differences(template.Baseline!));
        Assert.Empty(mailbox.Open().Problems);
    }

    [Fact]
    public void Repairs_of_a_sound_mailbox_change_nothing()
    {
        using RepairMailbox mailbox = template.Clone();
        var before = Capture(mailbox);
        string quarantineRoot = Path.Combine(mailbox.Root, "quarantine");
        IReadOnlyList<RepairResult> results;
        using (var quarantine = Quarantine.Under(quarantineRoot))
        using (var held = mailbox.Lock())
        using (var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine))
        {
            results = new[] { repair.CutTransactionLog(), repair.FixIndexHeader(), repair.RebuildUidList() };
            Assert.Null(quarantine.Path);
        }

        Assert.All(results, r => Assert.Equal(RepairAction.None, r.Action));
        Assert.False(Directory.Exists(quarantineRoot) && Directory.EnumerateFileSystemEntries(quarantineRoot).Any(), "a quarantine folder was made for nothing");
        foreach (var pair in before)
        {
            Assert.Equal(pair.Value.Sha256, Sha256(File.ReadAllBytes(mailbox.FileOf(pair.Key))));
        }

        AssertOpensLikeBaseline(mailbox, "sound mailbox");
    }

    [Fact]
    public void Header_fix_refuses_an_index_cut_inside_its_records_whose_UIDs_the_uidlist_knows()
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexTruncatedMidRecord, mailbox.Maildir, Outside(mailbox));
        byte[] damaged = File.ReadAllBytes(mailbox.FileOf("dovecot.index"));
        using var quarantine = Quarantine.Under(QuarantineRoot(mailbox));
        using var held = mailbox.Lock();
        using var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine);
        var refused = Assert.Throws<RepairRefusedException>(() => repair.FixIndexHeader());
        output.WriteLine(refused.Message);
        Assert.Equal(RepairRefusal.Unrepairable, refused.Refusal);
        Assert.Contains("quarantine the index", refused.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(mailbox.FileOf("dovecot.index")));
        Assert.Null(quarantine.Path);
    }

    /// <summary>Runs a plan's primitives under the mailbox lock.</summary>
    internal static IReadOnlyList<RepairResult> Run(RepairMailbox mailbox, RepairPlan plan, Quarantine quarantine)
    {
        using (quarantine)
        using (var held = mailbox.Lock())
        using (var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine))
        {
            return plan switch
            {
                RepairPlan.FixIndexHeader => new[] { repair.FixIndexHeader() },
                RepairPlan.QuarantineIndex => new[] { repair.QuarantineIndexFile(DovecotFileNames.Index) },
                RepairPlan.QuarantineCache => new[] { repair.QuarantineIndexFile(DovecotFileNames.IndexCache) },
                RepairPlan.QuarantineIndexAndCache => new[] { repair.QuarantineIndexFile(DovecotFileNames.Index), repair.QuarantineIndexFile(DovecotFileNames.IndexCache) },
                RepairPlan.CutLog => new[] { repair.CutTransactionLog(), repair.FixIndexHeader() },
                RepairPlan.RebuildUidList => new[] { repair.RebuildUidList() },
                _ => throw new ArgumentOutOfRangeException(nameof(plan)),
            };
        }
    }

    /// <summary>What Dovecot complained about under a probe, and the state it showed last.</summary>
    internal static IReadOnlyList<string> Probe(RepairMailbox mailbox, DamageProbe probe, MailboxSnapshot baseline, out MailboxSnapshot after)
    {
        var seen = new List<string>();
        if (probe == DamageProbe.OpenAndWrite)
        {
            seen.AddRange(mailbox.Open().Problems);
            seen.AddRange(mailbox.WriteSomething());
            OpenReport again = mailbox.Open();
            seen.AddRange(again.Problems);
            after = again.Snapshot;
            return seen;
        }

        // The uidlist alone decides the next UID once the index files are lost before Dovecot's next sync (which
        // would raise the uidlist's next_uid to the index's): a UID used again is the damage.
        foreach (string file in new[] { "dovecot.index", "dovecot.index.log", "dovecot.index.cache" })
        {
            File.Delete(mailbox.FileOf(file));
        }

        mailbox.Deliver("after the index was lost");
        OpenReport report = mailbox.Open();
        after = report.Snapshot;
        uint newest = after.Flags.Keys.Max();
        if (newest < baseline.UidNext)
        {
            seen.Add("the new message got UID " + newest + ", below UIDNEXT " + baseline.UidNext + " the mailbox had: a UID used again");
        }

        return seen;
    }

    /// <summary>A quarantine root beside the Maildir, outside the mail tree.</summary>
    internal static string QuarantineRoot(RepairMailbox mailbox) => Path.Combine(mailbox.Root, "quarantine");

    internal static string Outside(RepairMailbox mailbox)
    {
        string outside = Path.Combine(mailbox.Root, "outside-the-mailbox");
        if (!File.Exists(outside))
        {
            File.WriteAllText(outside, "a file outside the mailbox, which no repair may touch\n");
        }

        return outside;
    }

    internal static Dictionary<string, OriginalFile> Capture(RepairMailbox mailbox)
    {
        var files = new Dictionary<string, OriginalFile>(StringComparer.Ordinal);
        foreach (string name in new[] { "dovecot.index", "dovecot.index.log", "dovecot.index.cache", "dovecot-uidlist" })
        {
            string path = mailbox.FileOf(name);
            var info = new FileInfo(path);
            if (info.Exists && info.LinkTarget == null)
            {
                byte[] bytes = File.ReadAllBytes(path);
                files[name] = new OriginalFile(bytes, Sha256(bytes), info.UnixFileMode, info.LastWriteTimeUtc, Owner(path));
            }
        }

        return files;
    }

    /// <summary>uid:gid of a file, by stat(1).</summary>
    internal static string Owner(string path) => TestBeds.TestCommand.Must("stat", "-c", "%u:%g", path).Trim();

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    internal void AssertOpensLikeBaseline(RepairMailbox mailbox, string what)
    {
        OpenReport first = mailbox.Open();
        Assert.True(first.Problems.Count == 0, what + ": Dovecot complained after the repair: " + string.Join(" | ", first.Problems));
        Assert.True(first.Snapshot.Differences(template.Baseline!).Count == 0, what + ": not the baseline: " + string.Join("; ", first.Snapshot.Differences(template.Baseline!)));
        IReadOnlyList<string> writing = mailbox.WriteSomething();
        Assert.True(writing.Count == 0, what + ": Dovecot complained writing after the repair: " + string.Join(" | ", writing));
        OpenReport second = mailbox.Open();
        Assert.True(second.Problems.Count == 0, what + ": Dovecot complained on the second open: " + string.Join(" | ", second.Problems));
        Assert.Empty(second.Snapshot.Differences(template.Baseline!));
    }

    private static void AssertQuarantined(IReadOnlyList<RepairResult> results, Dictionary<string, OriginalFile> originals)
    {
        var quarantined = results.Where(r => r.QuarantinedTo != null).ToList();
        Assert.NotEmpty(quarantined);

        // The first action on a file quarantines the damaged original; a later one (the header fix after a log cut)
        // quarantines the file as the first left it.
        foreach (var first in quarantined.GroupBy(r => Path.GetFileName(r.File)).Select(g => g.First()))
        {
            var original = originals[Path.GetFileName(first.File)];
            string copy = first.QuarantinedTo!;
            Assert.Equal(original.Bytes, File.ReadAllBytes(copy));
            var copied = new FileInfo(copy);
            Assert.Equal(original.Mode, copied.UnixFileMode);
            Assert.Equal(original.LastWriteTimeUtc, copied.LastWriteTimeUtc);
            Assert.Equal(original.Owner, Owner(copy));
            var entry = Assert.Single(QuarantineEntry.ReadManifest(Path.GetDirectoryName(copy)!), e => e.Copy == Path.GetFileName(copy));
            Assert.Equal(original.Sha256, entry.Sha256);
            Assert.Equal(first.File, entry.Original);
        }
    }
}

/// <summary>A file as it was before a repair.</summary>
internal sealed record OriginalFile(byte[] Bytes, string Sha256, UnixFileMode Mode, DateTime LastWriteTimeUtc, string Owner);
