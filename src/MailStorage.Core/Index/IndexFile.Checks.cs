using System;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>
/// The checks Dovecot makes when it maps the file (mail-index-map-read.c, mail_index_map_check_header): first what
/// makes the file unusable, then the header's fields against each other, then the records' UIDs.
/// </summary>
public sealed partial class IndexFile
{
    private void Check()
    {
        IndexHeader h = Header;
        if (data.Length < IndexHeaderFields.Size)
        {
            Problem(0, "IndexFileTooSmall", "File too small (" + N(data.Length) + ")");
            return;
        }

        if (h.MajorVersion != IndexHeaderFields.SupportedMajorVersion)
        {
            Problem(IndexHeaderFields.MajorVersion, "IndexMajorVersion", "Unsupported major version (" + N(h.MajorVersion) + ")");
            return;
        }

        if ((h.Flags & IndexHeaderFields.FlagCorrupted) != 0)
        {
            Problem(IndexHeaderFields.Flags, "IndexCorruptedFlag", "Header's corrupted flag is set");
            return;
        }

        if (h.CompatFlags != IndexHeaderFields.CompatLittleEndian)
        {
            Problem(IndexHeaderFields.CompatFlags, "IndexCompatFlags", "CPU architecture changed (compat_flags " + N(h.CompatFlags) + ")");
            return;
        }

        if (h.BaseHeaderSize < IndexHeaderFields.Size || h.HeaderSize < h.BaseHeaderSize)
        {
            Problem(h.BaseHeaderSize < IndexHeaderFields.Size ? IndexHeaderFields.BaseHeaderSize : IndexHeaderFields.HeaderSize, "IndexHeaderSizes", "Corrupted header sizes (base " + N(h.BaseHeaderSize) + ", full " + N(h.HeaderSize) + ")");
            return;
        }

        if (h.HeaderSize > data.Length)
        {
            Problem(IndexHeaderFields.HeaderSize, "IndexHeaderLargerThanFile", "Header size is larger than file (" + N(h.HeaderSize) + " > " + N(data.Length) + ")");
            return;
        }

        if (h.RecordSize < IndexHeaderFields.MinRecordSize)
        {
            Problem(IndexHeaderFields.RecordSize, "IndexRecordSizeTooSmall", "record_size too small (" + N(h.RecordSize) + " < " + N(IndexHeaderFields.MinRecordSize) + ")");
            return;
        }

        if (h.RecordSize > IndexExtensionFields.MaxRecordSize * 2)
        {
            Problem(IndexHeaderFields.RecordSize, "IndexRecordSizeTooLarge", "record_size too large (" + N(h.RecordSize) + ")");
            return;
        }

        // Counts from the header are never trusted beyond what the file holds.
        long available = (data.Length - h.HeaderSize) / h.RecordSize;
        if (h.MessagesCount > available)
        {
            Problem(IndexHeaderFields.MessagesCount, "IndexMessagesCountTooLarge", "messages_count too large (" + N(h.MessagesCount) + " > " + N(available) + ")");
            RecordCount = (int)available;
        }
        else
        {
            RecordCount = (int)h.MessagesCount;
        }

        IsUsable = true;
        if (!ReadExtensions())
        {
            IsUsable = false;
            RecordCount = 0;
            return;
        }

        CheckHeader();
        CheckRecords();
    }

    private void CheckHeader()
    {
        IndexHeader h = Header;
        if (h.UidValidity == 0 && h.NextUid != 1)
        {
            Problem(IndexHeaderFields.UidValidity, "IndexUidValidityZero", "uid_validity 0 with next_uid " + N(h.NextUid));
        }

        if (h.NextUid == 0)
        {
            Problem(IndexHeaderFields.NextUid, "IndexNextUidZero", "next_uid 0");
        }

        if (h.SeenMessagesCount > h.MessagesCount)
        {
            Problem(IndexHeaderFields.SeenMessagesCount, "IndexSeenCountTooLarge", "seen_messages_count too large (" + N(h.SeenMessagesCount) + " > " + N(h.MessagesCount) + ")");
        }

        if (h.DeletedMessagesCount > h.MessagesCount)
        {
            Problem(IndexHeaderFields.DeletedMessagesCount, "IndexDeletedCountTooLarge", "deleted_messages_count too large (" + N(h.DeletedMessagesCount) + " > " + N(h.MessagesCount) + ")");
        }

        if (h.FirstRecentUid == 0 || h.FirstRecentUid > h.NextUid)
        {
            Problem(IndexHeaderFields.FirstRecentUid, "IndexFirstRecentUid", "first_recent_uid " + N(h.FirstRecentUid) + " invalid (next_uid " + N(h.NextUid) + ")");
        }

        if (h.FirstUnseenUidLowwater > h.NextUid)
        {
            Problem(IndexHeaderFields.FirstUnseenUidLowwater, "IndexLowwater", "first_unseen_uid_lowwater too large (" + N(h.FirstUnseenUidLowwater) + " > " + N(h.NextUid) + ")");
        }

        if (h.FirstDeletedUidLowwater > h.NextUid)
        {
            Problem(IndexHeaderFields.FirstDeletedUidLowwater, "IndexLowwater", "first_deleted_uid_lowwater too large (" + N(h.FirstDeletedUidLowwater) + " > " + N(h.NextUid) + ")");
        }
    }

    private void CheckRecords()
    {
        uint previous = 0;
        long offset = Header.HeaderSize;
        foreach (IndexRecord record in Records)
        {
            uint uid = record.Uid;
            if (uid == 0)
            {
                Problem(offset, "IndexRecordUidZero", "Record " + N(record.Seq) + " has uid 0");
            }
            else if (uid <= previous)
            {
                Problem(offset, "IndexUidsNotOrdered", "UIDs not ordered (seq " + N(record.Seq) + ": uid " + N(uid) + " <= " + N(previous) + ")");
            }

            previous = Math.Max(previous, uid);
            offset += Header.RecordSize;
        }

        if (previous != 0 && previous >= Header.NextUid)
        {
            Problem(IndexHeaderFields.NextUid, "IndexNextUidTooSmall", "next_uid " + N(Header.NextUid) + " <= last uid " + N(previous));
        }
    }
}
