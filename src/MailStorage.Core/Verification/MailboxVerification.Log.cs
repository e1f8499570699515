using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailStorage.Core.Index;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Verification;

/// <summary>
/// dovecot.index.log and .log.2: what mail-transaction-log-file.c and mail-transaction-log-view.c check, and how the
/// logs fit each other and the index (indexid, file_seq, the index's position in the log).
/// </summary>
internal sealed partial class MailboxVerification
{
    private const string InvalidRecordPrefix = "Invalid transaction log record at ";

    private void CheckLogs()
    {
        foreach (TransactionLogFile? file in new[] { log2, log })
        {
            if (file == null)
            {
                continue;
            }

            var cuts = new HashSet<long>(file.Problems.Where(p => p.Code is "LogRecordTruncated" or "LogTransactionIncomplete").Select(p => p.Offset));
            foreach (IndexProblem problem in file.Problems)
            {
                // A cut record also leaves bytes past the last whole record: one problem, not two.
                if (problem.Code == "LogGarbageAtEof" && cuts.Contains(problem.Offset))
                {
                    continue;
                }

                MapLogProblem(file, problem);
            }
        }

        if (state != null)
        {
            foreach (IndexProblem problem in state.Problems)
            {
                MapReplayProblem(problem);
            }
        }

        CheckLogIndexIds();
        CheckLogSequence();
        CheckIndexLogPosition();
    }

    private void MapLogProblem(TransactionLogFile file, IndexProblem problem)
    {
        string name = Name(file.File);
        string quarantine = "Move " + name + " to quarantine; Dovecot starts a new log (changes in it that dovecot.index does not hold yet are lost, as when Dovecot replaces it itself).";
        switch (problem.Code)
        {
            case "LogHeaderTruncated":
                Add(file.File, IndexDamageKind.LogHeaderTruncated, DamageSeverity.Error, problem.Offset, problem.Message, RecommendedRepair.QuarantineLog, quarantine);
                break;
            case "LogMajorVersion":
                Add(file.File, IndexDamageKind.LogMajorVersion, DamageSeverity.Error, problem.Offset, problem.Message, RecommendedRepair.QuarantineLog, quarantine);
                break;
            case "LogHeaderTooSmall":
                Add(file.File, IndexDamageKind.LogHeaderTooSmall, DamageSeverity.Error, problem.Offset, "Header size too small", RecommendedRepair.QuarantineLog, quarantine);
                break;
            case "LogCompatFlags":
                Add(file.File, IndexDamageKind.LogCpuArchitectureChanged, DamageSeverity.Error, problem.Offset, "CPU architecture changed", RecommendedRepair.QuarantineLog, quarantine);
                break;
            case "LogMarkedCorrupted":
                Add(file.File, IndexDamageKind.LogMarkedCorrupted, DamageSeverity.Error, problem.Offset, "marked corrupted", RecommendedRepair.QuarantineLog, "Dovecot found this log corrupted earlier and deletes it at the next open. " + quarantine);
                break;
            case "LogRecordSizeTooSmall" when BeforeIndexPosition(file, problem.Offset):
                Unread(file, IndexDamageKind.LogRecordSizeTooSmall, problem);
                break;
            case "LogRecordSizeTooSmall":
                Truncate(file, IndexDamageKind.LogRecordSizeTooSmall, problem.Offset, problem.Message, "its size field says " + N(RecordSize(file, problem.Offset)));
                break;
            case "LogRecordTruncated":
                Truncate(file, IndexDamageKind.LogTruncatedRecord, problem.Offset, "Unexpected garbage at EOF (sync_offset=" + N(problem.Offset) + ")", "the record there claims " + N(RecordSize(file, problem.Offset)) + " bytes, the file ends at " + N(file.Length));
                break;
            case "LogTransactionIncomplete":
                Truncate(file, IndexDamageKind.LogTransactionIncomplete, problem.Offset, "Unexpected garbage at EOF (sync_offset=" + N(problem.Offset) + ")", problem.Message.Replace("Transaction at", "the transaction at", StringComparison.Ordinal));
                break;
            case "LogRecordInvalid" when BeforeIndexPosition(file, problem.Offset):
                Unread(file, IndexDamageKind.LogRecordInvalid, problem);
                break;
            case "LogRecordInvalid":
                Truncate(file, IndexDamageKind.LogRecordInvalid, problem.Offset, DovecotReason(file, problem), "Dovecot would mark the whole log corrupted and replace it; cutting keeps the records before this one");
                break;

            case "LogGarbageAtEof":
                Truncate(file, IndexDamageKind.LogGarbageAtEnd, problem.Offset, problem.Message, N(file.Length - problem.Offset) + " bytes after the last whole record");
                break;
            default:
                Add(file.File, IndexDamageKind.OtherProblem, DamageSeverity.Warning, problem.Offset, problem.Message, RecommendedRepair.Report, "Reported by the log reader as " + problem.Code + ".");
                break;
        }
    }

    /// <summary>
    /// Whether a record lies before the point dovecot.index has applied the log up to: Dovecot reads the log from
    /// there on, so it never looks at the record while the index is sound; cutting the log there would throw away
    /// changes the index does not hold yet.
    /// </summary>
    private bool BeforeIndexPosition(TransactionLogFile file, long offset) =>
        position.Kind == IndexLogPosition.Found && index != null &&
        (file.Header.FileSeq < index.Header.LogFileSeq || (file.Header.FileSeq == index.Header.LogFileSeq && offset < index.Header.LogFileHeadOffset));

    private void Unread(TransactionLogFile file, IndexDamageKind kind, IndexProblem problem)
    {
        string message = problem.Code == "LogRecordInvalid" ? DovecotReason(file, problem) : problem.Message;
        Add(file.File, kind, DamageSeverity.Warning, problem.Offset, message, RecommendedRepair.Report, "The record lies before the position dovecot.index has applied " + Name(file.File) + " up to, so Dovecot does not read it while the index is sound; it matters only if the index is rebuilt from the log, and goes away when the log rotates.");
    }

    /// <summary>A problem a log cut at <paramref name="offset"/> repairs: everything from there goes to quarantine.</summary>
    private void Truncate(TransactionLogFile file, IndexDamageKind kind, long offset, string message, string why) =>
        Add(
            file.File,
            kind,
            DamageSeverity.Error,
            offset,
            message,
            RecommendedRepair.TruncateLog,
            "Cut " + Name(file.File) + " from " + N(file.Length) + " to " + N(offset) + " bytes, after its last whole record (" + why + ").");

    /// <summary>
    /// The reason Dovecot's log view gives for an invalid record (log_view_is_record_valid in
    /// mail-transaction-log-view.c), from the reader's: without the reader's "at offset" prefix, with the record
    /// type where Dovecot prints it, and with Dovecot's names for the expunge-guid and keyword cases.
    /// </summary>
    private string DovecotReason(TransactionLogFile file, IndexProblem problem)
    {
        string reason = problem.Message;
        if (reason.StartsWith(InvalidRecordPrefix, StringComparison.Ordinal))
        {
            int colon = reason.IndexOf(": ", StringComparison.Ordinal);
            reason = colon < 0 ? reason : reason[(colon + 2)..];
        }

        byte[] data = Bytes(file.File);
        if (problem.Offset < 0 || problem.Offset + TransactionLogFile.RecordHeaderSize > data.Length)
        {
            return reason;
        }

        var raw = (TransactionLogRecordType)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)problem.Offset + 4));
        bool guid = (raw & TransactionLogRecordType.ExpungeGuid) != 0;
        string type = "type=0x" + ((uint)TransactionLogFile.CodeOf(raw)).ToString("x", CultureInfo.InvariantCulture);
        if (reason.StartsWith("Invalid UID range (", StringComparison.Ordinal) && reason.EndsWith(')'))
        {
            return reason[..^1] + ", " + type + ")";
        }

        if (reason.StartsWith("Empty record contents", StringComparison.Ordinal))
        {
            return "Empty record contents (" + type + ")";
        }

        return reason switch
        {
            "Non-sorted UID ranges" or "Invalid record size" => reason + " (" + type + ")",
            "Invalid flag update record size" => "Invalid record size (" + type + ")",
            "expunge record missing protection mask" when guid => "expunge guid record missing protection mask",
            "Invalid expunge-guid record size" => "Invalid expunge guid record size",
            "Expunge-guid record with uid=0" => "Expunge guid record with uid=0",
            "Ext intro name too long" => "ext intro: name_size too large",
            "Trying to use empty keyword or keyword name overflows record" =>
                problem.Offset + TransactionLogFile.RecordHeaderSize + 4 <= data.Length && BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)problem.Offset + TransactionLogFile.RecordHeaderSize + 2)) == 0
                    ? "Trying to use empty keyword"
                    : "Invalid keyword update record size",
            _ => reason,
        };
    }

    /// <summary>The decoded size field of the record at <paramref name="offset"/>.</summary>
    private long RecordSize(TransactionLogFile file, long offset)
    {
        byte[] data = Bytes(file.File);
        return offset >= 0 && offset + 4 <= data.Length ? TransactionLogFile.DecodeOffset(data.AsSpan((int)offset, 4)) : 0;
    }

    /// <summary>What only the replay of index and logs together finds.</summary>
    private void MapReplayProblem(IndexProblem problem)
    {
        switch (problem.Code)
        {
            case "LogDuplicateSequence":
                Add(problem.File, IndexDamageKind.LogDuplicateSequence, DamageSeverity.Error, problem.Offset, problem.Message, RecommendedRepair.QuarantineLog, "Move " + Name(problem.File) + " to quarantine: dovecot.index.log holds the same sequence and is the one Dovecot keeps.");
                break;
            case "LogHistoryMissing":
                Add(problem.File, IndexDamageKind.LogHistoryMissing, DamageSeverity.Warning, problem.Offset, problem.Message, RecommendedRepair.Report, "Dovecot rebuilds the index from the logs it has and from dovecot-uidlist and the Maildir; UIDs and flags stay, index-only state of older changes does not.");
                break;
            case "LogAppendUidNotAscending" when position.Kind is not (IndexLogPosition.Lost or IndexLogPosition.Newer):
                // With the index's place in the log lost, the replay starts at a guess: what it finds is a consequence.
                Add(problem.File, IndexDamageKind.LogAppendUidNotAscending, DamageSeverity.Error, problem.Offset, problem.Message, RecommendedRepair.Report, "Dovecot calls the index corrupted when it applies this record; compare the log with dovecot-uidlist before cutting it here.");
                break;

            // Checked below in Dovecot's words, or already taken from the files' own problems.
            default:
                break;
        }
    }

    /// <summary>
    /// Every log must carry the index's indexid (with no index, .log.2 must carry .log's). Dovecot reads the log
    /// first and then logs <c>indexid changed: &lt;log's&gt; -> &lt;index's&gt;</c> for both files.
    /// </summary>
    private void CheckLogIndexIds()
    {
        uint? reference = index is { IsUsable: true } ? index.Header.IndexId : log is { IsUsable: true } && log.Header.IndexId != 0 ? log.Header.IndexId : null;
        if (reference == null)
        {
            return;
        }

        foreach (TransactionLogFile? file in new[] { log2, log })
        {
            if (file is not { IsUsable: true } || file.Header.IndexId == 0 || file.Header.IndexId == reference)
            {
                continue;
            }

            Add(
                file.File,
                IndexDamageKind.LogIndexIdMismatch,
                DamageSeverity.Error,
                TransactionLogHeaderFields.IndexId,
                "indexid changed: " + N(file.Header.IndexId) + " -> " + N(reference.Value),
                RecommendedRepair.QuarantineLog,
                "Move " + Name(file.File) + " to quarantine; Dovecot marks it corrupted itself and starts a new log (the log belongs to another index: restored from a backup, or two hosts recreated the index at once).");
        }
    }

    /// <summary>.log continues .log.2: its prev_file_seq is .log.2's file_seq and its prev_file_offset where .log.2 ends.</summary>
    private void CheckLogSequence()
    {
        if (log is not { IsUsable: true } || log2 is not { IsUsable: true } || log2.Header.FileSeq == log.Header.FileSeq)
        {
            return;
        }

        if (log.Header.PrevFileSeq != log2.Header.FileSeq)
        {
            Add(log2.File, IndexDamageKind.LogSequenceNotContinued, DamageSeverity.Info, TransactionLogHeaderFields.FileSeq, "file_seq " + N(log2.Header.FileSeq) + " is not the log dovecot.index.log continues (prev_file_seq " + N(log.Header.PrevFileSeq) + ")", RecommendedRepair.None, "A leftover from before the log was recreated; Dovecot ignores it and deletes it when it is two days old.");
        }
        else if (log.Header.PrevFileOffset != 0 && log.Header.PrevFileOffset != log2.SyncOffset)
        {
            Add(log2.File, IndexDamageKind.LogPreviousSizeMismatch, DamageSeverity.Warning, null, "Invalid transaction log size (" + N(log2.SyncOffset) + " vs " + N(log.Header.PrevFileOffset) + "): " + log2.File, RecommendedRepair.QuarantineLog, "Dovecot marks " + Name(log2.File) + " corrupted when it needs it; only an index older than dovecot.index.log does.");
        }
    }

    /// <summary>Where the index's log_file_seq leads among the logs, as mail_transaction_log_view_set looks for it.</summary>
    private (IndexLogPosition Kind, TransactionLogFile? Log) LocateIndexInLogs()
    {
        if (index is not { IsUsable: true } || log == null)
        {
            return (IndexLogPosition.NotApplicable, null);
        }

        uint seq = index.Header.LogFileSeq;
        var usable = new List<TransactionLogFile>();
        foreach (TransactionLogFile? file in new[] { log2, log })
        {
            if (file is { IsUsable: true } && file.Header.IndexId == index.Header.IndexId)
            {
                usable.Add(file);
            }
        }

        if (usable.Count == 0)
        {
            // The logs' own problems say why; nothing to place the index in.
            return (IndexLogPosition.NotApplicable, null);
        }

        TransactionLogFile? current = usable.LastOrDefault(f => f.Header.FileSeq == seq);
        if (current != null)
        {
            return (IndexLogPosition.Found, current);
        }

        // A later log that starts afresh (prev_file_seq 0) resets the index: Dovecot rebuilds it from that log.
        TransactionLogFile? reset = usable.FirstOrDefault(f => f.Header.FileSeq > seq && f.Header.PrevFileSeq == 0);
        if (reset != null)
        {
            return (IndexLogPosition.Reset, reset);
        }

        return (seq < usable.Min(f => f.Header.FileSeq) ? IndexLogPosition.Lost : IndexLogPosition.Newer, usable[^1]);
    }

    /// <summary>The index's log_file_seq must name a log that exists, and its head offset must lie inside it.</summary>
    private void CheckIndexLogPosition()
    {
        if (index is not { IsUsable: true })
        {
            return;
        }

        IndexHeader h = index.Header;
        if (log == null)
        {
            Add(IndexPath, IndexDamageKind.IndexLogMissing, DamageSeverity.Warning, null, "dovecot.index.log is missing (the index needs log file seq " + N(h.LogFileSeq) + ")", RecommendedRepair.Report, "Dovecot creates a new log and fscks dovecot.index to it; changes after the index was written are taken from dovecot-uidlist and the Maildir.");
            return;
        }

        string seqs = string.Join(",", new[] { log2, log }.Where(f => f is { IsUsable: true }).Select(f => N(f!.Header.FileSeq)).Distinct());
        switch (position.Kind)
        {
            case IndexLogPosition.Found:
                TransactionLogFile current = position.Log!;
                // A record with an impossible size before the index's position stops our reading there, not Dovecot's.
                bool stoppedEarly = current.Problems.Any(p => p.Code == "LogRecordSizeTooSmall" && p.Offset < h.LogFileHeadOffset);
                if (h.LogFileHeadOffset > current.SyncOffset && !stoppedEarly)
                {
                    Add(IndexPath, IndexDamageKind.IndexLogOffsetPastEnd, DamageSeverity.Error, IndexHeaderFields.LogFileHeadOffset, "log_file_head_offset " + N(h.LogFileHeadOffset) + " is past the end of " + Name(current.File) + " seq " + N(current.Header.FileSeq) + " (sync_offset=" + N(current.SyncOffset) + ")", RecommendedRepair.FixIndexHeader, "log_file_head_offset " + N(h.LogFileHeadOffset) + " -> " + N(current.SyncOffset));
                }

                break;
            case IndexLogPosition.Reset:
                Add(IndexPath, IndexDamageKind.IndexLogSequenceMismatch, DamageSeverity.Warning, IndexHeaderFields.LogFileSeq, "log_file_seq " + N(h.LogFileSeq) + " is older than every log (we have seqs " + seqs + "), and " + Name(position.Log!.File) + " seq " + N(position.Log.Header.FileSeq) + " starts afresh (prev_file_seq=0)", RecommendedRepair.Report, "Dovecot drops the index's records and rebuilds them from " + Name(position.Log.File) + ", dovecot-uidlist and the Maildir; nothing to repair, but the log was recreated after the index was written: look for an earlier \"marked corrupted\" in Dovecot's log.");
                break;
            case IndexLogPosition.Lost:
                Add(IndexPath, IndexDamageKind.IndexLogSequenceMismatch, DamageSeverity.Error, IndexHeaderFields.LogFileSeq, "Lost log for seq=" + N(h.LogFileSeq) + " offset=" + N(h.LogFileHeadOffset) + ": Missing middle file seq=" + N(h.LogFileSeq) + " (between " + N(h.LogFileSeq) + ".." + N(uint.MaxValue) + ", we have seqs " + seqs + ")", RecommendedRepair.FixIndexHeader, "log_file_seq " + N(h.LogFileSeq) + " -> " + N(position.Log!.Header.FileSeq) + " (as Dovecot's fsck does; what changed in the missing log is taken from dovecot-uidlist and the Maildir)");
                break;
            case IndexLogPosition.Newer:
                Add(IndexPath, IndexDamageKind.IndexLogSequenceMismatch, DamageSeverity.Error, IndexHeaderFields.LogFileSeq, "log_file_seq " + N(h.LogFileSeq) + " is newer than every log (we have seqs " + seqs + ")", RecommendedRepair.FixIndexHeader, "log_file_seq " + N(h.LogFileSeq) + " -> " + N(position.Log!.Header.FileSeq) + " (as Dovecot's fsck does)");
                break;
            default:
                break;
        }
    }
}

/// <summary>Where dovecot.index's log_file_seq leads.</summary>
internal enum IndexLogPosition
{
    /// <summary>No usable index, or no usable log that belongs to it.</summary>
    NotApplicable,

    /// <summary>A log with that sequence exists.</summary>
    Found,

    /// <summary>Missing, but a later log starts afresh: Dovecot rebuilds the index from it.</summary>
    Reset,

    /// <summary>Older than every log, and none starts afresh.</summary>
    Lost,

    /// <summary>Newer than every log.</summary>
    Newer,
}
