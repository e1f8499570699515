using MailStorage.Core.Index;

namespace MailStorage.Core.Verification;

/// <summary>
/// What Dovecot's fsck (mail-index-fsck.c, mail_index_fsck_records) would compute from the records of a
/// dovecot.index: records whose UID is 0 or not above the one before are dropped, the counters and lowwater UIDs are
/// counted again from the rest, and next_uid is raised above the last UID. The verifier compares the header with it
/// and words its repairs as fsck logs them (<c>next_uid 0 -> 24</c>).
/// </summary>
internal sealed class IndexFsck
{
    private IndexFsck()
    {
    }

    /// <summary>Records kept (UID ascending, not 0).</summary>
    public uint MessagesCount { get; private set; }

    /// <summary>Kept records with \Seen.</summary>
    public uint SeenCount { get; private set; }

    /// <summary>Kept records with \Deleted.</summary>
    public uint DeletedCount { get; private set; }

    /// <summary>First kept UID without \Seen, or next_uid.</summary>
    public uint FirstUnseenLowwater { get; private set; }

    /// <summary>First kept UID with \Deleted, or next_uid.</summary>
    public uint FirstDeletedLowwater { get; private set; }

    /// <summary>The last kept UID (0 when none).</summary>
    public uint LastUid { get; private set; }

    /// <summary>next_uid as fsck leaves it: the header's, raised to LastUid + 1 when not above it.</summary>
    public uint NextUid { get; private set; }

    /// <summary>first_recent_uid as fsck leaves it: at most next_uid, at least 1.</summary>
    public uint FirstRecentUid { get; private set; }

    /// <summary>Records with UID 0.</summary>
    public int ZeroUids { get; private set; }

    /// <summary>Offset of the first record with UID 0, or -1.</summary>
    public long FirstZeroOffset { get; private set; } = -1;

    /// <summary>Records whose UID is not above the one kept before (UID 0 not counted).</summary>
    public int Unordered { get; private set; }

    /// <summary>Offset of the first unordered record, or -1.</summary>
    public long FirstUnorderedOffset { get; private set; } = -1;

    /// <summary>Sequence of the first unordered record.</summary>
    public int FirstUnorderedSeq { get; private set; }

    /// <summary>UID of the first unordered record.</summary>
    public uint FirstUnorderedUid { get; private set; }

    /// <summary>The UID kept before the first unordered record.</summary>
    public uint FirstUnorderedPrevious { get; private set; }

    /// <summary>Runs fsck's record pass over the records the file holds.</summary>
    public static IndexFsck Run(IndexFile index)
    {
        var fsck = new IndexFsck();
        uint last = 0;
        uint firstUnseen = 0;
        uint firstDeleted = 0;
        long offset = index.Header.HeaderSize;
        foreach (IndexRecord record in index.Records)
        {
            uint uid = record.Uid;
            if (uid <= last)
            {
                if (uid == 0)
                {
                    fsck.ZeroUids++;
                    if (fsck.FirstZeroOffset < 0)
                    {
                        fsck.FirstZeroOffset = offset;
                    }
                }
                else
                {
                    fsck.Unordered++;
                    if (fsck.FirstUnorderedOffset < 0)
                    {
                        fsck.FirstUnorderedOffset = offset;
                        fsck.FirstUnorderedSeq = record.Seq;
                        fsck.FirstUnorderedUid = uid;
                        fsck.FirstUnorderedPrevious = last;
                    }
                }

                offset += index.Header.RecordSize;
                continue;
            }

            fsck.MessagesCount++;
            MailIndexFlags flags = record.Flags;
            if ((flags & MailIndexFlags.Seen) != 0)
            {
                fsck.SeenCount++;
            }
            else if (firstUnseen == 0)
            {
                firstUnseen = uid;
            }

            if ((flags & MailIndexFlags.Deleted) != 0)
            {
                fsck.DeletedCount++;
                if (firstDeleted == 0)
                {
                    firstDeleted = uid;
                }
            }

            last = uid;
            offset += index.Header.RecordSize;
        }

        fsck.LastUid = last;
        uint nextUid = index.Header.NextUid <= last ? last + 1 : index.Header.NextUid;
        fsck.NextUid = nextUid;
        fsck.FirstUnseenLowwater = firstUnseen == 0 ? nextUid : firstUnseen;
        fsck.FirstDeletedLowwater = firstDeleted == 0 ? nextUid : firstDeleted;
        uint recent = index.Header.FirstRecentUid;
        fsck.FirstRecentUid = recent > nextUid ? nextUid : recent == 0 ? 1 : recent;
        return fsck;
    }
}
