using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// dovecot.index.log and dovecot.index.cache damaged on copies of a mailbox Dovecot built: the verifier's code,
/// offset and message for each, and for those Dovecot notices, its log line holding our message.
/// </summary>
public sealed class LogAndCacheVerificationTests : IClassFixture<DamageBed>
{
    private readonly DamageBed bed;
    private readonly ITestOutputHelper output;

    public LogAndCacheVerificationTests(DamageBed bed, ITestOutputHelper output)
    {
        this.bed = bed;
        this.output = output;
    }

    [Fact]
    public void Garbage_after_the_last_record_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        long length = new FileInfo(copy.Log).Length;
        Damage.Append(copy.Log, 1, 2, 3, 4, 5, 6, 7, 8, 9);

        IndexDamage damage = Single(copy, IndexDamageKind.LogGarbageAtEnd);
        Assert.Equal(copy.Log, damage.File);
        Assert.Equal(length, damage.Offset);
        Assert.Equal("Unexpected garbage at EOF (sync_offset=" + length + ")", damage.Message);
        Assert.Equal(RecommendedRepair.TruncateLog, damage.Repair);
        Assert.StartsWith("Cut dovecot.index.log from " + (length + 9) + " to " + length + " bytes", damage.RepairDescription, StringComparison.Ordinal);

        // Dovecot replaces a log it finds corrupted: its sequence is taken first.
        uint seq = LogSeq(copy);
        string log = bed.Dovecot(copy, "force-resync", "INBOX").Output;
        Assert.Contains("Corrupted transaction log file " + copy.Log + " seq " + seq + ": " + damage.Message, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_cut_short_is_one_problem_at_the_records_start()
    {
        using var copy = bed.Copy();
        var before = TransactionLogFile.Read(copy.Log);
        long lastRecord = before.Records[before.RecordCount - 1].Offset;
        Damage.Truncate(copy.Log, before.Length - 4);

        var damages = copy.Verify();
        IndexDamage damage = Single(damages, IndexDamageKind.LogTruncatedRecord);
        Assert.Equal(lastRecord, damage.Offset);
        Assert.Equal("Unexpected garbage at EOF (sync_offset=" + lastRecord + ")", damage.Message);
        Assert.DoesNotContain(damages, d => d.Code == IndexDamageKind.LogGarbageAtEnd);

        // Dovecot replaces a log it finds corrupted: its sequence is taken first.
        // Dovecot calls a cut tail corrupted only when it reads it holding the log lock (a sync does).
        uint seq = LogSeq(copy);
        string log = bed.Dovecot(copy, "force-resync", "INBOX").Output;
        Assert.Contains("Corrupted transaction log file " + copy.Log + " seq " + seq + ": " + damage.Message, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_of_another_index_is_found_with_dovecots_indexid_wording()
    {
        using var copy = bed.Copy();
        uint indexId = copy.ReadIndex().Header.IndexId;
        Damage.WriteUInt32(copy.Log, 4, 12345);

        IndexDamage damage = Single(copy, IndexDamageKind.LogIndexIdMismatch);
        Assert.Equal(4, damage.Offset);
        Assert.Equal("indexid changed: 12345 -> " + indexId, damage.Message);
        Assert.Equal(RecommendedRepair.QuarantineLog, damage.Repair);

        // Dovecot replaces a log it finds corrupted: its sequence is taken first.
        uint seq = LogSeq(copy);
        string log = bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output;
        Assert.Contains("Corrupted transaction log file " + copy.Log + " seq " + seq + ": " + damage.Message, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_marked_corrupted_is_found_as_dovecot_reports_it()
    {
        using var copy = bed.Copy();
        Damage.WriteUInt32(copy.Log, 4, 0);

        IndexDamage damage = Single(copy, IndexDamageKind.LogMarkedCorrupted);
        Assert.Equal(4, damage.Offset);
        Assert.Contains("Transaction log file " + copy.Log + ": " + damage.Message, bed.Dovecot(copy, "mailbox", "status", "messages", "INBOX").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_uid_range_in_a_flag_update_is_found_at_its_record()
    {
        using var copy = bed.Copy();

        // The \Flagged change the bed made after its last index write: Dovecot reads it when it opens the mailbox.
        long at = LastRecord(copy, TransactionLogRecordType.FlagUpdate);
        Assert.True(at >= copy.ReadIndex().Header.LogFileHeadOffset, "the flag update is not past the index's position");
        uint uid2 = Damage.ReadUInt32(copy.Log, at + 12);
        Damage.WriteUInt32(copy.Log, at + 8, uid2 + 5);

        IndexDamage damage = Single(copy, IndexDamageKind.LogRecordInvalid);
        Assert.Equal(DamageSeverity.Error, damage.Severity);
        Assert.Equal(at, damage.Offset);
        Assert.Equal("Invalid UID range (" + (uid2 + 5) + " .. " + uid2 + ", type=0x4)", damage.Message);
        Assert.Equal(RecommendedRepair.TruncateLog, damage.Repair);

        uint seq = LogSeq(copy);
        string log = bed.Dovecot(copy, "force-resync", "INBOX").Output;
        Assert.Contains("Corrupted transaction log file " + copy.Log + " seq " + seq + ": " + damage.Message, log, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_record_the_index_has_already_applied_is_only_a_warning()
    {
        using var copy = bed.Copy();
        long at = FirstRecord(copy, TransactionLogRecordType.FlagUpdate);
        Assert.True(at < copy.ReadIndex().Header.LogFileHeadOffset, "the flag update is not before the index's position");
        uint uid2 = Damage.ReadUInt32(copy.Log, at + 12);
        Damage.WriteUInt32(copy.Log, at + 8, uid2 + 5);

        var damages = copy.Verify();
        IndexDamage damage = Single(damages, IndexDamageKind.LogRecordInvalid);
        Assert.Equal(DamageSeverity.Warning, damage.Severity);
        Assert.Equal(RecommendedRepair.Report, damage.Repair);
        Assert.Single(damages);

        // Dovecot reads the log from the index's position on and does not notice.
        var run = bed.Dovecot(copy, "force-resync", "INBOX");
        Assert.DoesNotContain("Error:", run.Output, StringComparison.Ordinal);
    }

    private static long FirstRecord(MailboxCopy copy, TransactionLogRecordType type) => Records(copy, type)[0];

    private static long LastRecord(MailboxCopy copy, TransactionLogRecordType type) => Records(copy, type)[^1];

    private static List<long> Records(MailboxCopy copy, TransactionLogRecordType type)
    {
        var log = TransactionLogFile.Read(copy.Log);
        var offsets = new List<long>();
        foreach (TransactionLogRecord record in log.Records)
        {
            if (record.Type == type)
            {
                offsets.Add(record.Offset);
            }
        }

        Assert.True(offsets.Count > 0, "the bed's log has no " + type + " record");
        return offsets;
    }

    [Fact]
    public void Cache_file_seq_zero_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        Damage.WriteUInt32(copy.Cache, 8, 0);

        IndexDamage damage = Single(copy, IndexDamageKind.CacheHeaderBroken);
        Assert.Equal(8, damage.Offset);
        Assert.Equal("file_seq is 0", damage.Message);
        Assert.Equal(RecommendedRepair.QuarantineCache, damage.Repair);
        Assert.Contains("Deleting corrupted cache: " + damage.Message, FetchSubject(copy, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_without_field_header_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        Damage.WriteUInt32(copy.Cache, 28, 0);

        IndexDamage damage = Single(copy, IndexDamageKind.CacheFieldHeaderBroken);
        Assert.Equal("missing header fields", damage.Message);
        Assert.Contains("Deleting corrupted cache: " + damage.Message, FetchSubject(copy, 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Index_pointing_outside_the_cache_is_found_for_that_message()
    {
        using var copy = bed.Copy();
        IndexFile index = copy.ReadIndex();
        IndexExtension cacheExtension = index.Extensions.Single(e => e.Name == "cache");
        long length = new FileInfo(copy.Cache).Length;

        // Message seq 3 (UID 3) now says its cache record is far past the end of the file.
        long field = index.Header.HeaderSize + (2L * index.Header.RecordSize) + cacheExtension.RecordOffset;
        Assert.NotEqual(0u, Damage.ReadUInt32(copy.Index, field));
        uint outside = (uint)((length + 4096) & ~3L);
        Damage.WriteUInt32(copy.Index, field, outside);

        IndexDamage damage = Single(copy, IndexDamageKind.CacheRecordOffsetInvalid);
        Assert.Equal(copy.Cache, damage.File);
        Assert.Equal(outside, damage.Offset);
        Assert.Equal("record points outside file", damage.Message);
        Assert.StartsWith("UID 3 points at cache offset " + outside, damage.RepairDescription, StringComparison.Ordinal);
        Assert.Contains("Deleting corrupted cache: " + damage.Message, FetchSubject(copy, 3), StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_of_another_index_is_a_warning()
    {
        using var copy = bed.Copy();
        Damage.WriteUInt32(copy.Cache, 4, 1);

        IndexDamage damage = Single(copy, IndexDamageKind.CacheIndexIdMismatch);
        Assert.Equal(DamageSeverity.Warning, damage.Severity);
        Assert.Equal(4, damage.Offset);
    }

    [Fact]
    public void Cache_file_seq_other_than_the_indexs_reset_id_is_a_warning()
    {
        using var copy = bed.Copy();
        uint fileSeq = Damage.ReadUInt32(copy.Cache, 8);
        Damage.WriteUInt32(copy.Cache, 8, fileSeq + 1);

        IndexDamage damage = Single(copy, IndexDamageKind.CacheResetIdMismatch);
        Assert.Equal("file_seq " + (fileSeq + 1) + " differs from the index's cache reset_id " + fileSeq + " (Dovecot ignores the cached data)", damage.Message);
    }

    [Fact]
    public void Rotated_and_purged_mailbox_has_no_damage()
    {
        // .log.2 next to .log, and a cache purged to a new file_seq announced in the log (extension intro and reset).
        using var copy = bed.Copy();
        for (int i = 1; i <= 14; i++)
        {
            string flag = i % 2 == 0 ? "\\Flagged" : "$Label" + (i % 5);
            var run = bed.Dovecot(copy, Index.DovecotIndexInteropTests.SmallLogOptions.Concat(new[] { "flags", "add", flag, "mailbox", "INBOX", "uid", i + ":" + (i + 8) }).ToArray());
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        uint seqBefore = Damage.ReadUInt32(copy.Cache, 8);
        long indexLength = new FileInfo(copy.Index).Length;
        var purge = bed.Dovecot(copy, "mailbox", "cache", "purge", "INBOX");
        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.True(File.Exists(copy.Log + ".2"), "the log was not rotated");
        uint seqAfter = Damage.ReadUInt32(copy.Cache, 8);
        output.WriteLine("cache file_seq " + seqBefore + " -> " + seqAfter + ", dovecot.index " + indexLength + " -> " + new FileInfo(copy.Index).Length + " bytes");
        Assert.NotEqual(seqBefore, seqAfter);

        // dovecot.index still names the old cache: only the log's extension reset announces the new one.
        Assert.Equal(seqBefore, copy.ReadIndex().Extensions.Single(e => e.Name == "cache").ResetId);
        Assert.Empty(Report(copy.Verify()));
    }

    private string FetchSubject(MailboxCopy copy, int uid) =>
        bed.Dovecot(copy, "fetch", "hdr.subject", "mailbox", "INBOX", "uid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture)).Output;

    private static uint LogSeq(MailboxCopy copy) => BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(copy.Log).AsSpan(8, 4));

    private IndexDamage Single(MailboxCopy copy, IndexDamageKind kind) => Single(copy.Verify(), kind);

    private IndexDamage Single(IReadOnlyList<IndexDamage> damages, IndexDamageKind kind)
    {
        Report(damages);
        var found = damages.Where(d => d.Code == kind).ToList();
        Assert.True(found.Count == 1, "expected one " + kind + ", found " + found.Count);
        return found[0];
    }

    private IReadOnlyList<IndexDamage> Report(IReadOnlyList<IndexDamage> damages)
    {
        foreach (IndexDamage damage in damages)
        {
            output.WriteLine(damage + " | " + damage.Repair + ": " + damage.RepairDescription);
        }

        return damages;
    }
}
