using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using MailStorage.Core.Index;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Repair;

/// <summary>Where the transaction log's head is: what an index header's log position is checked against.</summary>
/// <param name="FileSeq">file_seq of <c>dovecot.index.log</c>.</param>
/// <param name="HeaderSize">Its hdr_size.</param>
/// <param name="SyncOffset">The end of its last whole record.</param>
internal readonly record struct LogHead(uint FileSeq, uint HeaderSize, long SyncOffset);

/// <summary>
/// Recomputes the header fields of a <c>dovecot.index</c> the way Dovecot's fsck does (mail-index-fsck.c: header,
/// log position, records), on the file's bytes, returning the new bytes and every change as <c>field old -> new</c>.
/// Two things are done better than Dovecot, because Dovecot's way loses UIDs: records whose UIDs are out of order are
/// sorted (Dovecot drops them, and Maildir then gives those messages new UIDs), and a missing UIDVALIDITY is taken
/// from dovecot-uidlist when there is one (Dovecot takes the current time, and Maildir then resets the index).
/// Extensions are left alone: an index whose extensions Dovecot cannot read is unusable and goes to the quarantine
/// instead.
/// </summary>
internal static class IndexHeaderFix
{
    /// <summary>MAIL_INDEX_HDR_FLAG_FSCKD: set by Dovecot's fsck (dbox then rebuilds its storage; Maildir ignores it).</summary>
    public const uint FlagFsckd = 0x04;

    /// <summary>sizeof(struct mail_transaction_log_header): where Dovecot's fsck points a too old log position.</summary>
    private const uint LogHeaderSize = 40;

    /// <summary>
    /// The fixed file and its changes (null content: nothing needed fixing), or the UIDs the backend knows that lie
    /// past the index's last whole record: records cut off the file, which a header fix would lose.
    /// </summary>
    internal sealed record Outcome(byte[]? Content, IReadOnlyList<string> Changes, IReadOnlyList<uint> LostUids);

    /// <summary>
    /// Fixes <paramref name="data"/> (parsed as <paramref name="index"/>, which must be usable).
    /// <paramref name="log"/> is the current log's head (null: no usable log, the log position is left alone);
    /// <paramref name="uidValidityHint"/> the UIDVALIDITY the mailbox's backend has (dovecot-uidlist), or null;
    /// <paramref name="backendUids"/> the UIDs it lists. When the file holds fewer whole records than messages_count
    /// and the backend knows UIDs between the last record and next_uid, records were cut off: nothing is fixed and
    /// those UIDs are returned (dropping the index keeps them; fixing the count would make Dovecot renumber them).
    /// </summary>
    public static Outcome Fix(byte[] data, IndexFile index, LogHead? log, uint? uidValidityHint, IReadOnlyCollection<uint>? backendUids, uint now)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(index);
        if (!index.IsUsable)
        {
            throw new InvalidOperationException("the index is not usable; it cannot be fixed in place");
        }

        IndexHeader h = index.Header;
        int headerSize = (int)h.HeaderSize;
        int recordSize = (int)h.RecordSize;
        var changes = new List<string>();
        var hdr = new HeaderFields(data.AsSpan(0, IndexHeaderFields.Size).ToArray(), changes);

        // mail_index_fsck_header: a UIDVALIDITY of 0 is allowed only while the mailbox has never had a message.
        if (hdr[IndexHeaderFields.UidValidity] == 0 && hdr[IndexHeaderFields.NextUid] != 1)
        {
            hdr.Set(IndexHeaderFields.UidValidity, "uid_validity", uidValidityHint is > 0 ? uidValidityHint.Value : now);
        }

        if (log is LogHead head)
        {
            FixLogPosition(hdr, head);
        }

        // mail_index_fsck_records, except that out-of-order records are sorted instead of dropped.
        var records = new List<(uint Uid, int Offset)>(index.RecordCount);
        int zeroes = 0;
        for (int seq = 0; seq < index.RecordCount; seq++)
        {
            int offset = headerSize + (seq * recordSize);
            uint uid = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
            if (uid == 0)
            {
                zeroes++;
                continue;
            }

            records.Add((uid, offset));
        }

        if (zeroes > 0)
        {
            changes.Add("Record UIDs have zeroes: dropped " + N(zeroes) + " record(s)");
        }

        bool ordered = true;
        for (int i = 1; i < records.Count && ordered; i++)
        {
            ordered = records[i].Uid > records[i - 1].Uid;
        }

        if (!ordered)
        {
            // A stable sort keeps the first of two records with one UID first; the second is dropped below.
            var sorted = new List<(uint Uid, int Offset)>(records);
            sorted.Sort((a, b) => a.Uid != b.Uid ? a.Uid.CompareTo(b.Uid) : a.Offset.CompareTo(b.Offset));
            int duplicates = 0;
            var unique = new List<(uint Uid, int Offset)>(sorted.Count);
            foreach (var record in sorted)
            {
                if (unique.Count > 0 && unique[^1].Uid == record.Uid)
                {
                    duplicates++;
                    continue;
                }

                unique.Add(record);
            }

            changes.Add("Record UIDs unordered: sorted " + N(unique.Count) + " record(s) by UID" + (duplicates > 0 ? ", dropped " + N(duplicates) + " duplicate(s)" : string.Empty));
            records = unique;
        }

        if (index.RecordCount < h.MessagesCount && backendUids != null)
        {
            uint lastRecordUid = records.Count > 0 ? records[^1].Uid : 0;
            var lost = new List<uint>();
            foreach (uint uid in backendUids)
            {
                if (uid > lastRecordUid && uid < h.NextUid)
                {
                    lost.Add(uid);
                }
            }

            if (lost.Count > 0)
            {
                lost.Sort();
                return new Outcome(null, changes, lost);
            }
        }

        uint messages = 0, seen = 0, deleted = 0, firstUnseen = 0, firstDeleted = 0, lastUid = 0;
        foreach (var (uid, offset) in records)
        {
            var flags = (MailIndexFlags)data[offset + 4];
            messages++;
            if ((flags & MailIndexFlags.Seen) != 0)
            {
                seen++;
            }
            else if (firstUnseen == 0)
            {
                firstUnseen = uid;
            }

            if ((flags & MailIndexFlags.Deleted) != 0)
            {
                deleted++;
                if (firstDeleted == 0)
                {
                    firstDeleted = uid;
                }
            }

            lastUid = uid;
        }

        if (hdr[IndexHeaderFields.NextUid] <= lastUid)
        {
            hdr.Set(IndexHeaderFields.NextUid, "next_uid", lastUid + 1);
        }

        uint nextUid = hdr[IndexHeaderFields.NextUid];
        hdr.Set(IndexHeaderFields.MessagesCount, "messages_count", messages);
        hdr.Set(IndexHeaderFields.SeenMessagesCount, "seen_messages_count", seen);
        hdr.Set(IndexHeaderFields.DeletedMessagesCount, "deleted_messages_count", deleted);

        // A lowwater is a lower bound: any value up to the first unseen (deleted) UID is right, a higher one hides
        // messages from searches. Only a too high one is changed, as Dovecot's fsck reports only those.
        uint unseenLowwater = firstUnseen != 0 ? firstUnseen : nextUid;
        uint deletedLowwater = firstDeleted != 0 ? firstDeleted : nextUid;
        if (hdr[IndexHeaderFields.FirstUnseenUidLowwater] > unseenLowwater)
        {
            hdr.Set(IndexHeaderFields.FirstUnseenUidLowwater, "first_unseen_uid_lowwater", unseenLowwater);
        }

        if (hdr[IndexHeaderFields.FirstDeletedUidLowwater] > deletedLowwater)
        {
            hdr.Set(IndexHeaderFields.FirstDeletedUidLowwater, "first_deleted_uid_lowwater", deletedLowwater);
        }

        if (hdr[IndexHeaderFields.FirstRecentUid] > nextUid)
        {
            hdr.Set(IndexHeaderFields.FirstRecentUid, "first_recent_uid", nextUid);
        }
        else if (hdr[IndexHeaderFields.FirstRecentUid] == 0)
        {
            hdr.Set(IndexHeaderFields.FirstRecentUid, "first_recent_uid", 1);
        }

        int expectedLength = headerSize + (records.Count * recordSize);
        bool recordsMoved = !ordered || zeroes > 0;
        if (changes.Count == 0 && data.Length == expectedLength)
        {
            return new Outcome(null, changes, Array.Empty<uint>());
        }

        if (data.Length != expectedLength && !recordsMoved)
        {
            changes.Add("file size " + N(data.Length) + " -> " + N(expectedLength) + " (bytes past the last whole record dropped)");
        }

        hdr.Set(IndexHeaderFields.Flags, null, hdr[IndexHeaderFields.Flags] | FlagFsckd);
        var content = new byte[expectedLength];
        data.AsSpan(0, headerSize).CopyTo(content);
        hdr.Bytes.AsSpan(0, Math.Min((int)h.BaseHeaderSize, IndexHeaderFields.Size)).CopyTo(content);
        for (int i = 0; i < records.Count; i++)
        {
            data.AsSpan(records[i].Offset, recordSize).CopyTo(content.AsSpan(headerSize + (i * recordSize)));
        }

        return new Outcome(content, changes, Array.Empty<uint>());
    }

    /// <summary>mail_index_fsck_log_pos: the index's log position must point into the log that exists.</summary>
    private static void FixLogPosition(HeaderFields hdr, LogHead log)
    {
        uint seq = hdr[IndexHeaderFields.LogFileSeq];
        uint headOffset = hdr[IndexHeaderFields.LogFileHeadOffset];
        uint tailOffset = hdr[IndexHeaderFields.LogFileTailOffset];
        uint end = (uint)Math.Min(log.SyncOffset, uint.MaxValue);
        if (seq < log.FileSeq)
        {
            // The index is older than the log: replay the log from its start.
            headOffset = tailOffset = LogHeaderSize;
        }
        else if (seq == log.FileSeq)
        {
            if (headOffset > end)
            {
                headOffset = end;
            }
            else if (headOffset < log.HeaderSize)
            {
                headOffset = log.HeaderSize;
            }

            if (tailOffset > headOffset)
            {
                tailOffset = headOffset;
            }
            else if (tailOffset != 0 && tailOffset < log.HeaderSize)
            {
                tailOffset = log.HeaderSize;
            }
        }
        else
        {
            // The index claims a newer log than exists: it has everything the log has.
            headOffset = tailOffset = end;
        }

        hdr.Set(IndexHeaderFields.LogFileSeq, "log_file_seq", log.FileSeq);
        hdr.Set(IndexHeaderFields.LogFileHeadOffset, "log_file_head_offset", headOffset);
        hdr.Set(IndexHeaderFields.LogFileTailOffset, "log_file_tail_offset", tailOffset);
    }

    /// <summary>The base header being edited; every change of a named field is recorded as <c>field old -> new</c>.</summary>
    private sealed class HeaderFields(byte[] bytes, List<string> changes)
    {
        public byte[] Bytes => bytes;

        public uint this[int offset] => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));

        public void Set(int offset, string? field, uint value)
        {
            uint old = this[offset];
            if (old == value)
            {
                return;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);
            if (field != null)
            {
                changes.Add(field + " " + N(old) + " -> " + N(value));
            }
        }
    }
}
