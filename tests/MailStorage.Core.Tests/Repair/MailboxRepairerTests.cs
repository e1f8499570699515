using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Repair;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// The repair Repair-MailIndex runs (<see cref="MailboxRepairer"/>: lock, verify, plan, primitives, verify again),
/// end to end on copies of a doveadm-built Maildir: for every kind of damage a primitive can repair, verification
/// finds it, the repairer repairs it from that finding alone, Dovecot then opens the mailbox without an error or a
/// warning and shows the baseline's UIDVALIDITY, UIDs and flags, and the quarantine holds the damaged original byte
/// for byte. A planted symbolic link is reported and left alone; a plan-only run changes nothing.
/// </summary>
public sealed class MailboxRepairerTests : IClassFixture<RepairTemplate>
{
    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public MailboxRepairerTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    /// <summary>Every kind a primitive repairs (the generator's other two are tested below and in CorruptionTests).</summary>
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
    public void At_least_15_kinds_go_through_the_whole_repair()
    {
        int kinds = CorruptionGenerator.All.Count(d => CorruptionGenerator.PlanOf(d) != RepairPlan.None);
        Assert.True(kinds >= 15, "only " + kinds + " kinds");
    }

    [Theory]
    [MemberData(nameof(RepairableDamage))]
    public void Verification_finds_the_damage_and_the_repairer_restores_what_Dovecot_showed(Damage damage)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(damage, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        var originals = CorruptionTests.Capture(mailbox);
        string damagedFile = mailbox.FileOf(CorruptionGenerator.FileOf(damage));

        // What Test-MailIndex writes: a repairable damage in the damaged file.
        IReadOnlyList<IndexDamage> found = MailboxVerifier.Verify(mailbox.Location);
        foreach (IndexDamage d in found)
        {
            output.WriteLine("found: " + d + " => " + d.Repair + ": " + d.RepairDescription);
        }

        Assert.Contains(found, d => d.File == damagedFile && d.Repairable && d.Severity >= DamageSeverity.Warning);

        MailboxRepairReport report = Repair(mailbox, CorruptionTests.QuarantineRoot(mailbox));
        foreach (RepairResult action in report.Actions)
        {
            output.WriteLine("action: " + action);
        }

        foreach (LeftAlone left in report.Left)
        {
            output.WriteLine("left: " + left.Damage + " (" + left.Reason + ")");
        }

        foreach (IndexDamage d in report.Remaining)
        {
            output.WriteLine("remaining: " + d);
        }

        // A log of another index is repaired by dropping the index (Dovecot rebuilds it from that log), not the log.
        string repairedFile = damage == Damage.LogIndexIdMismatch ? mailbox.FileOf("dovecot.index") : damagedFile;
        Assert.Contains(report.Actions, a => a.Changed && a.File == repairedFile);
        Assert.DoesNotContain(report.Left, l => l.Damage.File == damagedFile && l.Damage.Severity >= DamageSeverity.Warning);
        Assert.DoesNotContain(report.Remaining, d => d.Repairable && d.Severity >= DamageSeverity.Warning);

        if (CorruptionGenerator.ProbeOf(damage) == DamageProbe.LoseIndexThenDeliver)
        {
            using RepairMailbox copy = mailbox.Clone();
            Assert.Empty(CorruptionTests.Probe(copy, DamageProbe.LoseIndexThenDeliver, template.Baseline!, out _));
        }

        AssertOpensLikeBaseline(mailbox, damage.ToString());
        AssertQuarantined(report, originals);
    }

    [Fact]
    public void Index_log_cache_and_uidlist_damaged_together_are_repaired_in_one_run()
    {
        Damage[] together = { Damage.LogGarbageAtEof, Damage.IndexNextUidZero, Damage.IndexSeenDeletedCountsWrong, Damage.CacheGarbage, Damage.UidListOutOfOrder };
        using RepairMailbox mailbox = template.Clone();
        foreach (Damage damage in together)
        {
            CorruptionGenerator.Apply(damage, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        }

        var originals = CorruptionTests.Capture(mailbox);
        MailboxRepairReport report = Repair(mailbox, Path.Combine(mailbox.Root, "quarantine"));
        foreach (RepairResult action in report.Actions)
        {
            output.WriteLine(action.ToString());
        }

        // Applied in plan order: uidlist, log, index header, cache.
        Assert.Equal(
            new[] { RepairAction.RebuildUidList, RepairAction.TruncateLog, RepairAction.FixIndexHeader, RepairAction.QuarantineFile },
            report.Actions.Where(a => a.Changed).Select(a => a.Action));
        Assert.StartsWith(Path.Combine(mailbox.Root, "quarantine"), report.QuarantinePath, StringComparison.Ordinal);
        AssertQuarantined(report, originals);
        AssertOpensLikeBaseline(mailbox, "index, log, cache and uidlist damaged together");
    }

    [Fact]
    public void Damage_hidden_by_other_damage_is_repaired_in_a_second_round()
    {
        // With next_uid 0 in the index, the uidlist's too-low next UID cannot be told from a sound one; once the
        // header is fixed it can, and the same run repairs it.
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        CorruptionGenerator.Apply(Damage.UidListNextUidTooLow, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        Assert.DoesNotContain(MailboxVerifier.Verify(mailbox.Location), d => d.Code == IndexDamageKind.UidListNextUidTooLow);

        MailboxRepairReport report = Repair(mailbox, CorruptionTests.QuarantineRoot(mailbox));
        foreach (RepairResult action in report.Actions)
        {
            output.WriteLine(action.ToString());
        }

        Assert.Equal(new[] { RepairAction.FixIndexHeader, RepairAction.RebuildUidList }, report.Actions.Where(a => a.Changed).Select(a => a.Action));
        Assert.DoesNotContain(report.Remaining, d => d.Repairable && d.Severity >= DamageSeverity.Warning);
        using (RepairMailbox copy = mailbox.Clone())
        {
            Assert.Empty(CorruptionTests.Probe(copy, DamageProbe.LoseIndexThenDeliver, template.Baseline!, out _));
        }

        AssertOpensLikeBaseline(mailbox, "index next_uid 0 hiding a low uidlist next UID");
    }

    [Fact]
    public void Symlink_in_place_of_the_index_is_reported_and_left_alone_and_its_target_is_unchanged()
    {
        using RepairMailbox mailbox = template.Clone();
        string outside = CorruptionTests.Outside(mailbox);
        CorruptionGenerator.Apply(Damage.IndexSymlinkOutside, mailbox.Maildir, outside);
        byte[] before = File.ReadAllBytes(outside);
        DateTime written = File.GetLastWriteTimeUtc(outside);

        MailboxRepairReport report = Repair(mailbox, CorruptionTests.QuarantineRoot(mailbox));
        foreach (LeftAlone left in report.Left)
        {
            output.WriteLine("left: " + left.Damage + " (" + left.Reason + ")");
        }

        Assert.Contains(report.Left, l => l.Damage.Code == IndexDamageKind.SymlinkedIndexFile && l.Damage.File == mailbox.FileOf("dovecot.index"));
        Assert.DoesNotContain(report.Actions, a => a.Changed && a.File == mailbox.FileOf("dovecot.index"));
        Assert.Equal(outside, new FileInfo(mailbox.FileOf("dovecot.index")).LinkTarget);
        Assert.Equal(before, File.ReadAllBytes(outside));
        Assert.Equal(written, File.GetLastWriteTimeUtc(outside));
    }

    [Fact]
    public void Plan_only_run_takes_no_lock_and_changes_no_byte()
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        CorruptionGenerator.Apply(Damage.UidListOutOfOrder, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        var before = TreeHashes(mailbox.Root);

        MailboxRepairReport report = MailboxRepairer.Repair(mailbox.Location, new MailboxRepairOptions { WhatIf = true });
        Assert.Equal(new[] { RepairStep.RebuildUidList, RepairStep.FixIndexHeader }, report.Plan.Select(p => p.Step));
        Assert.Empty(report.Actions);
        Assert.Equal(before, TreeHashes(mailbox.Root));
    }

    [Fact]
    public void Sound_mailbox_gets_no_plan_and_no_quarantine()
    {
        using RepairMailbox mailbox = template.Clone();
        var before = TreeHashes(mailbox.Root);
        MailboxRepairReport report = Repair(mailbox, CorruptionTests.QuarantineRoot(mailbox));
        Assert.Empty(report.Plan);
        Assert.Empty(report.Actions);
        Assert.Null(report.QuarantinePath);
        Assert.Equal(before, TreeHashes(mailbox.Root));
    }

    [Fact]
    public void Plan_orders_uidlist_logs_index_cache_and_drops_the_header_fix_of_a_quarantined_index()
    {
        var location = new Mailboxes.MailboxLocation("INBOX", "/m", "/m", "/m", "maildir");
        IndexDamage D(string file, IndexDamageKind kind, RecommendedRepair repair) => new("INBOX", "/m/" + file, kind, DamageSeverity.Error, 0, "m", repair, "d");
        var damages = new[]
        {
            D("dovecot.index.cache", IndexDamageKind.CacheHeaderBroken, RecommendedRepair.QuarantineCache),
            D("dovecot.index", IndexDamageKind.IndexNextUidZero, RecommendedRepair.FixIndexHeader),
            D("dovecot.index", IndexDamageKind.IndexRecordSizeTooSmall, RecommendedRepair.QuarantineIndex),
            D("dovecot.index.log", IndexDamageKind.LogGarbageAtEnd, RecommendedRepair.TruncateLog),
            D("dovecot-uidlist", IndexDamageKind.UidListNotOrdered, RecommendedRepair.RebuildUidList),
            D("dovecot.index.log", IndexDamageKind.LogMajorVersion, RecommendedRepair.QuarantineLog),
            D("cur", IndexDamageKind.MessageFileMissing, RecommendedRepair.Report),
        };
        var plan = MailboxRepairer.MakePlan(location, damages, out var left);
        Assert.Equal(new[] { RepairStep.RebuildUidList, RepairStep.CutLog, RepairStep.QuarantineIndex, RepairStep.QuarantineCache }, plan.Select(p => p.Step));
        Assert.Equal(2, plan.Single(p => p.Step == RepairStep.QuarantineIndex).Reasons.Count);
        Assert.Equal(new[] { IndexDamageKind.LogMajorVersion, IndexDamageKind.MessageFileMissing }, left.Select(l => l.Damage.Code));

        // Without the quarantine, a log cut brings a header fix after it even when nothing else asked for one.
        var cutOnly = MailboxRepairer.MakePlan(location, new[] { damages[3] }, out _);
        Assert.Equal(new[] { RepairStep.CutLog, RepairStep.FixIndexHeader }, cutOnly.Select(p => p.Step));
    }

    internal static SortedDictionary<string, string> TreeHashes(string root)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(entry);
            string key = Path.GetRelativePath(root, entry);
            hashes[key] = info.LinkTarget != null ? "link " + info.LinkTarget
                : Directory.Exists(entry) ? "dir"
                : CorruptionTests.Sha256(File.ReadAllBytes(entry)) + " " + info.LastWriteTimeUtc.Ticks;
        }

        return hashes;
    }

    private static MailboxRepairReport Repair(RepairMailbox mailbox, string? quarantineRoot) =>
        MailboxRepairer.Repair(mailbox.Location, new MailboxRepairOptions
        {
            Lock = new MailStorage.Core.Locking.MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) },
            QuarantineRoot = quarantineRoot,
        });

    private static void AssertQuarantined(MailboxRepairReport report, Dictionary<string, OriginalFile> originals)
    {
        var quarantined = report.Actions.Where(r => r.QuarantinedTo != null).ToList();
        Assert.NotEmpty(quarantined);
        Assert.NotNull(report.QuarantinePath);
        var manifest = QuarantineEntry.ReadManifest(report.QuarantinePath!);

        // The first action on a file copies the damaged original; a later one copies the file as the first left it.
        foreach (RepairResult first in quarantined.GroupBy(r => Path.GetFileName(r.File)).Select(g => g.First()))
        {
            OriginalFile original = originals[Path.GetFileName(first.File)];
            Assert.Equal(original.Bytes, File.ReadAllBytes(first.QuarantinedTo!));
            var copied = new FileInfo(first.QuarantinedTo!);
            Assert.Equal(original.Mode, copied.UnixFileMode);
            Assert.Equal(original.LastWriteTimeUtc, copied.LastWriteTimeUtc);
            Assert.Equal(original.Owner, CorruptionTests.Owner(first.QuarantinedTo!));
            QuarantineEntry entry = Assert.Single(manifest, e => e.Copy == Path.GetFileName(first.QuarantinedTo!));
            Assert.Equal(original.Sha256, entry.Sha256);
            Assert.Equal(first.File, entry.Original);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_dbox_cache_is_never_moved_away_and_a_plan_says_so_as_the_run_does(bool whatIf)
    {
        // A dbox index holds UIDs and flags no other file has; -WhatIf must not promise the move the run refuses.
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.CacheHeaderBroken, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        Directory.CreateDirectory(mailbox.FileOf("dbox-Mails"));
        string before = HardLinkRepairTests.Snapshot(mailbox.FileOf("dovecot.index.cache"));

        MailboxRepairReport report = MailboxRepairer.Repair(mailbox.Location, new MailboxRepairOptions
        {
            WhatIf = whatIf,
            QuarantineRoot = Path.Combine(mailbox.Root, "quarantine"),
            Lock = new MailStorage.Core.Locking.MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) },
        });

        LeftAlone refused = Assert.Single(report.Left, l => l.Damage.File == mailbox.FileOf("dovecot.index.cache"));
        Assert.Equal(RepairRefusal.DboxIndex, refused.Refusal);
        Assert.Contains("dbox-Mails", refused.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Plan, p => p.Step == RepairStep.QuarantineCache);
        Assert.DoesNotContain(report.Actions, a => a.Changed);
        Assert.Equal(before, HardLinkRepairTests.Snapshot(mailbox.FileOf("dovecot.index.cache")));
    }

    private void AssertOpensLikeBaseline(RepairMailbox mailbox, string what)
    {
        OpenReport first = mailbox.Open();
        Assert.True(first.Problems.Count == 0, what + ": Dovecot complained after the repair: " + string.Join(" | ", first.Problems));
        Assert.True(first.Snapshot.Differences(template.Baseline!).Count == 0, what + ": not the baseline: " + string.Join("; ", first.Snapshot.Differences(template.Baseline!)));
        Assert.Equal(template.Baseline!.UidValidity, first.Snapshot.UidValidity);
        IReadOnlyList<string> writing = mailbox.WriteSomething();
        Assert.True(writing.Count == 0, what + ": Dovecot complained writing after the repair: " + string.Join(" | ", writing));
        OpenReport second = mailbox.Open();
        Assert.True(second.Problems.Count == 0, what + ": Dovecot complained on the second open: " + string.Join(" | ", second.Problems));
        Assert.Empty(second.Snapshot.Differences(template.Baseline!));
    }
}
