using System;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// dovecot.index damaged byte by byte on copies of a mailbox Dovecot built: the verifier names each damage with its
/// code, offset and Dovecot's message, and where Dovecot itself notices (opening the copy with doveadm), what it logs
/// contains our message, and the change its fsck makes is the repair we describe.
/// </summary>
public sealed class IndexVerificationTests : IClassFixture<DamageBed>
{
    private readonly DamageBed bed;
    private readonly ITestOutputHelper output;

    public IndexVerificationTests(DamageBed bed, ITestOutputHelper output)
    {
        this.bed = bed;
        this.output = output;
    }

    [Fact]
    public void Undamaged_copy_has_no_damage()
    {
        Assert.Null(bed.Missing);
        using var copy = bed.Copy();
        Assert.Empty(Report(copy.Verify()));

        // And Dovecot agrees: opening it logs nothing.
        var run = bed.Dovecot(copy, "mailbox", "status", "messages uidnext unseen", "INBOX");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("Error:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_uid_zero_is_found_and_fsck_fixes_it_as_described()
    {
        using var copy = bed.Copy();
        uint nextUid = copy.ReadIndex().Header.NextUid;
        Damage.WriteUInt32(copy.Index, 28, 0);

        IndexDamage damage = Single(copy, IndexDamageKind.IndexNextUidZero);
        Assert.Equal(DamageSeverity.Error, damage.Severity);
        Assert.Equal(28, damage.Offset);
        Assert.Equal("next_uid=0", damage.Message);
        Assert.Equal(RecommendedRepair.FixIndexHeader, damage.Repair);
        Assert.True(damage.Repairable);
        Assert.Equal("next_uid 0 -> " + nextUid, damage.RepairDescription);

        // Dovecot: "Warning: fscking index file", then "Fixed index file <path>: next_uid 0 -> 24".
        string log = bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output;
        Assert.Contains("Fixed index file " + copy.Index + ": " + damage.RepairDescription, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_count_too_large_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        IndexFile before = copy.ReadIndex();
        Damage.WriteUInt32(copy.Index, 32, before.Header.MessagesCount + 40);

        IndexDamage damage = Single(copy, IndexDamageKind.IndexMessagesCountTooLarge);
        Assert.Equal(32, damage.Offset);
        Assert.Equal("messages_count too large (" + (before.Header.MessagesCount + 40) + " > " + before.RecordCount + ")", damage.Message);
        Assert.Equal("messages_count " + (before.Header.MessagesCount + 40) + " -> " + before.Header.MessagesCount, damage.RepairDescription);

        string log = bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output;
        Assert.Contains("Corrupted index file " + copy.Index + ": " + damage.Message, log, StringComparison.Ordinal);
        Assert.Contains("Fixed index file " + copy.Index + ": " + damage.RepairDescription, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_seen_count_is_found_though_dovecot_only_reports_a_wrong_unseen_count()
    {
        using var copy = bed.Copy();
        IndexFile before = copy.ReadIndex();
        uint seen = before.Header.SeenMessagesCount;
        Damage.WriteUInt32(copy.Index, 40, seen - 3);

        IndexDamage damage = Single(copy, IndexDamageKind.IndexSeenCountWrong);
        Assert.Equal(DamageSeverity.Warning, damage.Severity);
        Assert.Equal(40, damage.Offset);
        Assert.StartsWith("seen_messages_count " + (seen - 3) + ", but " + seen + " messages have \\Seen", damage.Message, StringComparison.Ordinal);
        Assert.Equal("seen_messages_count " + (seen - 3) + " -> " + seen, damage.RepairDescription);

        // Dovecot logs nothing, but tells clients 3 more unseen messages than there are.
        using var pristine = bed.Copy();
        int unseenDamaged = Unseen(bed.Dovecot(copy, "mailbox", "status", "unseen", "INBOX").Output);
        int unseenPristine = Unseen(bed.Dovecot(pristine, "mailbox", "status", "unseen", "INBOX").Output);
        Assert.Equal(unseenPristine + 3, unseenDamaged);
    }

    [Fact]
    public void Corrupted_header_sizes_make_the_index_unusable()
    {
        using var copy = bed.Copy();
        Damage.WriteUInt32(copy.Index, 4, 100);

        IndexDamage damage = Single(copy, IndexDamageKind.IndexHeaderSizes);
        Assert.Equal(4, damage.Offset);
        Assert.Equal("Corrupted header sizes (base 120, full 100)", damage.Message);
        Assert.Equal(RecommendedRepair.QuarantineIndex, damage.Repair);
        Assert.Contains("Corrupted index file " + copy.Index + ": " + damage.Message, bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Unordered_record_uids_are_found_before_dovecot_renumbers_the_message()
    {
        using var copy = bed.Copy();
        IndexFile before = copy.ReadIndex();
        long record4 = before.Header.HeaderSize + (3L * before.Header.RecordSize);
        uint uid4 = Damage.ReadUInt32(copy.Index, record4);
        Damage.WriteUInt32(copy.Index, record4, 1);

        var damages = copy.Verify();
        IndexDamage unordered = Single(damages, IndexDamageKind.IndexUidsNotOrdered);
        Assert.Equal(record4, unordered.Offset);
        Assert.StartsWith("Record UIDs unordered (seq 4: uid 1 <= 3", unordered.Message, StringComparison.Ordinal);

        // The message whose UID the index lost: Dovecot's next full sync will renumber it, and says so in our words.
        IndexDamage reappeared = Single(damages, IndexDamageKind.UidListUidNotInIndex);
        Assert.StartsWith("Expunged message reappeared, giving a new UID (old uid=" + uid4 + ", file=", reappeared.Message, StringComparison.Ordinal);
        string log = bed.Dovecot(copy, "force-resync", "INBOX").Output;
        Assert.Contains("Warning: Maildir " + copy.Dir + ": " + reappeared.Message, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_uid_records_and_a_high_lowwater_are_found()
    {
        using var copy = bed.Copy();
        IndexFile before = copy.ReadIndex();
        long record2 = before.Header.HeaderSize + before.Header.RecordSize;
        Damage.WriteUInt32(copy.Index, record2, 0);

        // UIDs 11 and up have no \Seen; a lowwater of 15 hides 11-14 from "first unseen" searches.
        Damage.WriteUInt32(copy.Index, 52, 15);

        var damages = copy.Verify();
        IndexDamage zero = Single(damages, IndexDamageKind.IndexRecordUidZero);
        Assert.Equal(record2, zero.Offset);
        Assert.StartsWith("Record UIDs have zeroes", zero.Message, StringComparison.Ordinal);
        IndexDamage lowwater = Single(damages, IndexDamageKind.IndexFirstUnseenLowwaterWrong);
        Assert.Equal(52, lowwater.Offset);
        Assert.Equal("first_unseen_uid_lowwater 15, but UID 11 has no \\Seen", lowwater.Message);
        Assert.Equal("first_unseen_uid_lowwater 15 -> 11", lowwater.RepairDescription);
    }

    [Fact]
    public void Last_uid_at_next_uid_is_found_with_dovecots_wording()
    {
        using var copy = bed.Copy();
        IndexFile before = copy.ReadIndex();
        uint last = Damage.ReadUInt32(copy.Index, before.Header.HeaderSize + ((before.RecordCount - 1L) * before.Header.RecordSize));
        Damage.WriteUInt32(copy.Index, 28, last);

        IndexDamage damage = Single(copy, IndexDamageKind.IndexNextUidTooLow);
        Assert.Equal("last message uid " + last + " >= next_uid " + last, damage.Message);
        Assert.Equal("next_uid " + last + " -> " + (last + 1), damage.RepairDescription);
        Assert.Contains("Fixed index file " + copy.Index + ": " + damage.RepairDescription, bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_extension_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        IndexFile before = copy.ReadIndex();
        IndexExtension withRecords = before.Extensions.First(e => e.RecordSize > 0);
        int number = before.Extensions.ToList().IndexOf(withRecords);

        // record_align of the extension header (16 bytes before the name, header data after the aligned name).
        long extensionHeader = ExtensionHeaderOffset(before, number);
        Damage.WriteUInt16(copy.Index, extensionHeader + 12, 3);

        IndexDamage damage = Single(copy, IndexDamageKind.IndexExtensionBroken);
        Assert.Equal(extensionHeader, damage.Offset);
        Assert.Equal("Broken extension #" + number + " (" + withRecords.Name + "): Record field alignment 3 not used", damage.Message);
        Assert.Contains("Corrupted index file " + copy.Index + ": " + damage.Message, bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_file_seq_of_a_missing_log_is_found_and_fsck_moves_it_as_described()
    {
        using var copy = bed.Copy();
        IndexFile before = copy.ReadIndex();
        uint seq = before.Header.LogFileSeq;

        // The index wants seq-1, and the log says it continues seq-1: the log in between is gone.
        Damage.WriteUInt32(copy.Index, 60, seq - 1);
        Damage.WriteUInt32(copy.Log, 12, seq - 1);

        var damages = copy.Verify();
        IndexDamage damage = Single(damages, IndexDamageKind.IndexLogSequenceMismatch);
        Assert.Equal(DamageSeverity.Error, damage.Severity);
        Assert.Equal(60, damage.Offset);
        Assert.Equal("Lost log for seq=" + (seq - 1) + " offset=" + before.Header.LogFileHeadOffset + ": Missing middle file seq=" + (seq - 1) + " (between " + (seq - 1) + "..4294967295, we have seqs " + seq + ")", damage.Message);
        Assert.StartsWith("log_file_seq " + (seq - 1) + " -> " + seq + " ", damage.RepairDescription, StringComparison.Ordinal);

        // The replay from a lost position would complain about every append; those are not reported.
        Assert.DoesNotContain(damages, d => d.Code == IndexDamageKind.LogAppendUidNotAscending);

        string log = bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output;
        Assert.Contains(damage.Message, log, StringComparison.Ordinal);
        Assert.Contains("Fixed index file " + copy.Index + ": log_file_seq " + (seq - 1) + " -> " + seq, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_recreated_after_the_index_is_a_warning_dovecot_handles_silently()
    {
        using var copy = bed.Copy();
        uint seq = copy.ReadIndex().Header.LogFileSeq;

        // The log (prev_file_seq 0) starts afresh after the index's seq-1: Dovecot rebuilds the index from it.
        Damage.WriteUInt32(copy.Index, 60, seq - 1);

        var damages = copy.Verify();
        IndexDamage damage = Single(damages, IndexDamageKind.IndexLogSequenceMismatch);
        Assert.Equal(DamageSeverity.Warning, damage.Severity);
        Assert.Contains("starts afresh (prev_file_seq=0)", damage.Message, StringComparison.Ordinal);
        Assert.Equal(RecommendedRepair.Report, damage.Repair);
        Assert.DoesNotContain(damages, d => d.Severity == DamageSeverity.Error);

        var run = bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX");
        Assert.DoesNotContain("Error:", run.Output, StringComparison.Ordinal);
        using var pristine = bed.Copy();
        Assert.Equal(bed.Uids(pristine), bed.Uids(copy));
    }

    [Fact]
    public void Symlink_in_place_of_the_index_is_reported_and_not_followed()
    {
        using var copy = bed.Copy();
        string outside = System.IO.Path.Combine(copy.Dir, "..", "outside-" + Guid.NewGuid().ToString("N")[..6]);
        System.IO.File.WriteAllBytes(outside, new byte[4096]);
        try
        {
            System.IO.File.Delete(copy.Index);
            System.IO.File.CreateSymbolicLink(copy.Index, outside);

            var damages = copy.Verify();
            IndexDamage link = Single(damages, IndexDamageKind.SymlinkedIndexFile);
            Assert.Equal(copy.Index, link.File);
            Assert.Contains(outside, link.Message, StringComparison.Ordinal);
            Assert.Equal(RecommendedRepair.Report, link.Repair);
            Assert.False(link.Repairable);

            // Had it been followed, 4 KiB of zeroes would be "Major version changed (0 != 7)".
            Assert.DoesNotContain(damages, d => d.Code == IndexDamageKind.IndexMajorVersion);
            Assert.All(damages, d => Assert.NotEqual(outside, d.File));
        }
        finally
        {
            System.IO.File.Delete(outside);
        }
    }

    [Fact]
    public void Fifo_in_place_of_the_cache_is_reported_without_blocking()
    {
        using var copy = bed.Copy();
        System.IO.File.Delete(copy.Cache);
        TestBeds.TestCommand.Must("mkfifo", copy.Cache);

        IndexDamage damage = Single(copy, IndexDamageKind.NotARegularFile);
        Assert.Equal(copy.Cache, damage.File);
    }

    internal static long ExtensionHeaderOffset(IndexFile index, int number)
    {
        long offset = (index.Header.BaseHeaderSize + 7) & ~7L;
        for (int i = 0; i < number; i++)
        {
            IndexExtension e = index.Extensions[i];
            offset = (e.HeaderOffset + e.Header.Length + 7) & ~7L;
        }

        return offset;
    }

    private static int Unseen(string status) =>
        int.Parse(status.Split("unseen=")[1].Trim().Split(' ', '\n')[0], System.Globalization.CultureInfo.InvariantCulture);

    private IndexDamage Single(MailboxCopy copy, IndexDamageKind kind) => Single(copy.Verify(), kind);

    private IndexDamage Single(System.Collections.Generic.IReadOnlyList<IndexDamage> damages, IndexDamageKind kind)
    {
        Report(damages);
        var found = damages.Where(d => d.Code == kind).ToList();
        Assert.True(found.Count == 1, "expected one " + kind + ", found " + found.Count);
        return found[0];
    }

    private System.Collections.Generic.IReadOnlyList<IndexDamage> Report(System.Collections.Generic.IReadOnlyList<IndexDamage> damages)
    {
        foreach (IndexDamage damage in damages)
        {
            output.WriteLine(damage + " | " + damage.Repair + ": " + damage.RepairDescription);
        }

        return damages;
    }
}
