using System;
using MailStorage.Core.Index;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Verification;

/// <summary>dovecot.index: what mail-index-map-read.c and mail-index-map-hdr.c check, and what fsck would change.</summary>
internal sealed partial class MailboxVerification
{
    private const string QuarantineIndexText = "Move dovecot.index to quarantine; Dovecot rebuilds it from the transaction log, dovecot-uidlist and the Maildir file names (UIDs and flags stay; \\Recent and index-only state are lost).";

    private void CheckIndex()
    {
        if (index == null)
        {
            return;
        }

        foreach (IndexProblem problem in index.Problems)
        {
            MapIndexProblem(problem);
        }

        if (!index.IsUsable)
        {
            return;
        }

        var fsck = IndexFsck.Run(index);
        CheckIndexHeader(fsck);
        CheckIndexRecords(fsck);
    }

    private void MapIndexProblem(IndexProblem problem)
    {
        IndexHeader h = index!.Header;
        switch (problem.Code)
        {
            case "IndexFileTooSmall":
                QuarantineIndex(IndexDamageKind.IndexFileTooSmall, problem);
                break;
            case "IndexMajorVersion":
                Add(IndexPath, IndexDamageKind.IndexMajorVersion, DamageSeverity.Error, problem.Offset, "Major version changed (" + N(h.MajorVersion) + " != " + N(IndexHeaderFields.SupportedMajorVersion) + ")", RecommendedRepair.QuarantineIndex, QuarantineIndexText);
                break;
            case "IndexCorruptedFlag":
                QuarantineIndex(IndexDamageKind.IndexCorruptedFlag, problem);
                break;
            case "IndexCompatFlags":
                Add(IndexPath, IndexDamageKind.IndexCpuArchitectureChanged, DamageSeverity.Error, problem.Offset, "CPU architecture changed", RecommendedRepair.QuarantineIndex, QuarantineIndexText);
                break;
            case "IndexHeaderSizes":
                QuarantineIndex(IndexDamageKind.IndexHeaderSizes, problem);
                break;
            case "IndexHeaderLargerThanFile":
                QuarantineIndex(IndexDamageKind.IndexHeaderLargerThanFile, problem);
                break;
            case "IndexRecordSizeTooSmall":
                QuarantineIndex(IndexDamageKind.IndexRecordSizeTooSmall, problem);
                break;
            case "IndexRecordSizeTooLarge":
                QuarantineIndex(IndexDamageKind.IndexRecordSizeTooLarge, problem);
                break;
            case "IndexMessagesCountTooLarge":
            {
                // Dovecot maps what fits, finds messages_count above it and fscks.
                var fsck = IndexFsck.Run(index);
                Add(IndexPath, IndexDamageKind.IndexMessagesCountTooLarge, DamageSeverity.Error, problem.Offset, problem.Message, RecommendedRepair.FixIndexHeader, "messages_count " + N(h.MessagesCount) + " -> " + N(fsck.MessagesCount));
                break;
            }

            case "IndexExtensionOutsideHeader":
                QuarantineIndex(IndexDamageKind.IndexExtensionOutsideHeader, problem);
                break;
            case "IndexExtensionBroken":
                QuarantineIndex(IndexDamageKind.IndexExtensionBroken, problem);
                break;
            case "IndexExtensionDuplicate":
                QuarantineIndex(IndexDamageKind.IndexExtensionDuplicate, problem);
                break;
            case "IndexKeywordsHeader" when problem.Message.StartsWith("Keyword name_offset", StringComparison.Ordinal):
                // Older Dovecot did not check this, so 2.3 only warns and goes on reading the names.
                Add(IndexPath, IndexDamageKind.IndexKeywordsHeaderBroken, DamageSeverity.Warning, problem.Offset, "Mismatching keyword name_offset (" + problem.Message["Keyword ".Length..] + ")", RecommendedRepair.Report, "Dovecot logs a warning each time it maps the index and uses the names anyway; nothing is lost.");
                break;
            case "IndexKeywordsHeader":
                QuarantineIndex(IndexDamageKind.IndexKeywordsHeaderBroken, problem);
                break;

            // The header's sanity checks and the record checks are made again below, with Dovecot's wording and the
            // value fsck would set, and with one line per kind rather than one per record.
            case "IndexUidValidityZero":
            case "IndexNextUidZero":
            case "IndexSeenCountTooLarge":
            case "IndexDeletedCountTooLarge":
            case "IndexFirstRecentUid":
            case "IndexLowwater":
            case "IndexNextUidTooSmall":
            case "IndexRecordUidZero":
            case "IndexUidsNotOrdered":
                break;
            default:
                Add(IndexPath, IndexDamageKind.OtherProblem, DamageSeverity.Warning, problem.Offset, problem.Message, RecommendedRepair.Report, "Reported by the index reader as " + problem.Code + ".");
                break;
        }
    }

    private void QuarantineIndex(IndexDamageKind kind, IndexProblem problem) =>
        Add(IndexPath, kind, DamageSeverity.Error, problem.Offset, problem.Message, RecommendedRepair.QuarantineIndex, QuarantineIndexText);

    /// <summary>mail_index_map_check_header: the failures that make Dovecot fsck the file, in its words.</summary>
    private void CheckIndexHeader(IndexFsck fsck)
    {
        IndexHeader h = index!.Header;
        if (h.UidValidity == 0 && h.NextUid != 1)
        {
            string from = uidList is { UidValidity: not 0 } list
                ? N(list.UidValidity) + ", the UIDVALIDITY of dovecot-uidlist (Dovecot's fsck would take the current time, which makes every client resync)"
                : "the current time, as Dovecot's fsck does (clients resync the mailbox)";
            Fix(IndexDamageKind.IndexUidValidityZero, IndexHeaderFields.UidValidity, "uidvalidity=0, but next_uid=" + N(h.NextUid), "uid_validity 0 -> " + from);
        }

        if (h.NextUid == 0)
        {
            Fix(IndexDamageKind.IndexNextUidZero, IndexHeaderFields.NextUid, "next_uid=0", "next_uid 0 -> " + N(fsck.NextUid));
        }

        if (h.SeenMessagesCount > h.MessagesCount)
        {
            Fix(IndexDamageKind.IndexSeenCountTooLarge, IndexHeaderFields.SeenMessagesCount, "seen_messages_count " + N(h.SeenMessagesCount) + " > messages_count " + N(h.MessagesCount), "seen_messages_count " + N(h.SeenMessagesCount) + " -> " + N(fsck.SeenCount));
        }

        if (h.DeletedMessagesCount > h.MessagesCount)
        {
            Fix(IndexDamageKind.IndexDeletedCountTooLarge, IndexHeaderFields.DeletedMessagesCount, "deleted_messages_count " + N(h.DeletedMessagesCount) + " > messages_count " + N(h.MessagesCount), "deleted_messages_count " + N(h.DeletedMessagesCount) + " -> " + N(fsck.DeletedCount));
        }

        // Measured against next_uid as fsck would leave it: a broken next_uid is one problem, not four.
        uint next = fsck.NextUid;
        if (h.FirstRecentUid == 0)
        {
            Fix(IndexDamageKind.IndexFirstRecentUidInvalid, IndexHeaderFields.FirstRecentUid, "first_recent_uid=0", "first_recent_uid 0 -> 1");
        }
        else if (h.FirstRecentUid > next)
        {
            Fix(IndexDamageKind.IndexFirstRecentUidInvalid, IndexHeaderFields.FirstRecentUid, "first_recent_uid " + N(h.FirstRecentUid) + " > next_uid " + N(next), "first_recent_uid " + N(h.FirstRecentUid) + " -> " + N(fsck.FirstRecentUid));
        }

        CheckLowwater(IndexDamageKind.IndexFirstUnseenLowwaterWrong, IndexHeaderFields.FirstUnseenUidLowwater, "first_unseen_uid_lowwater", h.FirstUnseenUidLowwater, fsck.FirstUnseenLowwater, next, "has no \\Seen");
        CheckLowwater(IndexDamageKind.IndexFirstDeletedLowwaterWrong, IndexHeaderFields.FirstDeletedUidLowwater, "first_deleted_uid_lowwater", h.FirstDeletedUidLowwater, fsck.FirstDeletedLowwater, next, "has \\Deleted");

        if (index.RecordCount > 0)
        {
            IndexRecord lastRecord = index.Records[index.RecordCount];
            long at = h.HeaderSize + ((long)(index.RecordCount - 1) * h.RecordSize);
            if (lastRecord.Uid == 0)
            {
                Add(IndexPath, IndexDamageKind.IndexLastUidZero, DamageSeverity.Error, at, "last message has uid=0", RecommendedRepair.QuarantineIndex, QuarantineIndexText);
            }
            else if (h.NextUid != 0 && lastRecord.Uid >= h.NextUid)
            {
                Fix(IndexDamageKind.IndexNextUidTooLow, IndexHeaderFields.NextUid, "last message uid " + N(lastRecord.Uid) + " >= next_uid " + N(h.NextUid), "next_uid " + N(h.NextUid) + " -> " + N(fsck.NextUid));
            }
        }
    }

    /// <summary>
    /// A lowwater UID may be lower than the first message it stands for (it only speeds up searching), never higher:
    /// above next_uid Dovecot calls the index corrupted; above the first such message it silently skips that message
    /// when it looks for the first unseen (or deleted) one, and fsck would lower it.
    /// </summary>
    private void CheckLowwater(IndexDamageKind kind, int offset, string field, uint value, uint computed, uint next, string what)
    {
        if (value > next)
        {
            Fix(kind, offset, field + " " + N(value) + " > next_uid " + N(next), field + " " + N(value) + " -> " + N(computed));
        }
        else if (computed < value)
        {
            Add(IndexPath, kind, DamageSeverity.Warning, offset, field + " " + N(value) + ", but UID " + N(computed) + " " + what, RecommendedRepair.FixIndexHeader, field + " " + N(value) + " -> " + N(computed));
        }
    }

    /// <summary>UIDs of the records, and the counters counted again; fsck's own wording for the record problems.</summary>
    private void CheckIndexRecords(IndexFsck fsck)
    {
        IndexHeader h = index!.Header;
        int zeroes = fsck.ZeroUids - (Has(IndexPath, IndexDamageKind.IndexLastUidZero) ? 1 : 0);
        if (zeroes > 0)
        {
            Add(IndexPath, IndexDamageKind.IndexRecordUidZero, DamageSeverity.Error, fsck.FirstZeroOffset, "Record UIDs have zeroes (" + N(fsck.ZeroUids) + " records)", RecommendedRepair.QuarantineIndex, QuarantineIndexText);
        }

        if (fsck.Unordered > 0)
        {
            Add(
                IndexPath,
                IndexDamageKind.IndexUidsNotOrdered,
                DamageSeverity.Error,
                fsck.FirstUnorderedOffset,
                "Record UIDs unordered (seq " + N(fsck.FirstUnorderedSeq) + ": uid " + N(fsck.FirstUnorderedUid) + " <= " + N(fsck.FirstUnorderedPrevious) + "; " + N(fsck.Unordered) + " records)",
                RecommendedRepair.QuarantineIndex,
                QuarantineIndexText + " Until then clients are shown wrong UIDs, and Dovecot's next full sync gives the messages whose UID the index lost new UIDs.");
        }

        // The invariants Dovecot's debug builds assert after every map (mail_index_map_check): the counters equal the
        // records, and no unseen or deleted record lies below its lowwater. Only worth comparing when the records
        // themselves are sound and all there.
        if (fsck.ZeroUids > 0 || fsck.Unordered > 0 || index.RecordCount != h.MessagesCount)
        {
            return;
        }

        if (h.SeenMessagesCount <= h.MessagesCount && h.SeenMessagesCount != fsck.SeenCount)
        {
            Add(IndexPath, IndexDamageKind.IndexSeenCountWrong, DamageSeverity.Warning, IndexHeaderFields.SeenMessagesCount, "seen_messages_count " + N(h.SeenMessagesCount) + ", but " + N(fsck.SeenCount) + " messages have \\Seen (the UNSEEN count clients get is wrong, and a later flag change can fail with \"Seen counter wrong\")", RecommendedRepair.FixIndexHeader, "seen_messages_count " + N(h.SeenMessagesCount) + " -> " + N(fsck.SeenCount));
        }

        if (h.DeletedMessagesCount <= h.MessagesCount && h.DeletedMessagesCount != fsck.DeletedCount)
        {
            Add(IndexPath, IndexDamageKind.IndexDeletedCountWrong, DamageSeverity.Warning, IndexHeaderFields.DeletedMessagesCount, "deleted_messages_count " + N(h.DeletedMessagesCount) + ", but " + N(fsck.DeletedCount) + " messages have \\Deleted (a later flag change can fail with \"Deleted counter wrong\")", RecommendedRepair.FixIndexHeader, "deleted_messages_count " + N(h.DeletedMessagesCount) + " -> " + N(fsck.DeletedCount));
        }
    }

    private void Fix(IndexDamageKind kind, int offset, string message, string change) =>
        Add(IndexPath, kind, DamageSeverity.Error, offset, message, RecommendedRepair.FixIndexHeader, change);
}
