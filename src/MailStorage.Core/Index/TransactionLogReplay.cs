using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace MailStorage.Core.Index;

/// <summary>One message of a mailbox's current state: UID, flags and keyword names.</summary>
public sealed class MailboxMessage
{
    internal MailboxMessage(uint uid, MailIndexFlags flags)
    {
        Uid = uid;
        Flags = flags;
    }

    /// <summary>The UID.</summary>
    public uint Uid { get; }

    /// <summary>The flags byte (system flags plus index-private bits).</summary>
    public MailIndexFlags Flags { get; internal set; }

    /// <summary>Keyword names, sorted ordinally.</summary>
    public SortedSet<string> Keywords { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A mailbox's current state as Dovecot sees it: the records of <c>dovecot.index</c> (if any) with the transaction
/// log past the index's <c>log_file_head_offset</c> applied in order (mail-index-sync-update.c, simplified to
/// appends, flag and keyword updates, external expunges and base-header updates).
/// </summary>
public sealed class MailboxState
{
    private readonly List<MailboxMessage> messages = new();
    private readonly List<IndexProblem> problems = new();
    private readonly byte[] header = new byte[IndexHeaderFields.Size];

    private MailboxState()
    {
    }

    /// <summary>uid_validity after replay.</summary>
    public uint UidValidity => BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(IndexHeaderFields.UidValidity));

    /// <summary>next_uid after replay.</summary>
    public uint NextUid => BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid));

    /// <summary>indexid of the index (or log when there is no index).</summary>
    public uint IndexId { get; private set; }

    /// <summary>The messages, by ascending UID.</summary>
    public IReadOnlyList<MailboxMessage> Messages => messages;

    /// <summary>messages_count after replay.</summary>
    public int MessagesCount => messages.Count;

    /// <summary>Whether a usable dovecot.index was the starting point.</summary>
    public bool FromIndex { get; private set; }

    /// <summary>The log sequence and offset replay ended at.</summary>
    public (uint FileSeq, long Offset) LogPosition { get; private set; }

    /// <summary>Problems of the files read and of the replay.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>Reads <c>dovecot.index</c>, <c>.log.2</c> and <c>.log</c> from an index folder (any may be missing) and replays.</summary>
    public static MailboxState Load(string indexDirectory)
    {
        string indexPath = Path.Combine(indexDirectory, "dovecot.index");
        string logPath = Path.Combine(indexDirectory, "dovecot.index.log");
        string log2Path = logPath + ".2";
        IndexFile? index = TryRead(indexPath, IndexFile.Read);
        TransactionLogFile? log = TryRead(logPath, TransactionLogFile.Read);
        TransactionLogFile? log2 = TryRead(log2Path, TransactionLogFile.Read);
        return Replay(index, log2, log);
    }

    /// <summary>Replays the logs over the index. <paramref name="index"/> null or unusable: the logs from their start.</summary>
    public static MailboxState Replay(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log)
    {
        var state = new MailboxState();
        state.Run(index, log2, log);
        return state;
    }

    private static T? TryRead<T>(string path, Func<string, T> read)
        where T : class
    {
        try
        {
            return read(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private void Run(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log)
    {
        var logs = new List<TransactionLogFile>();
        foreach (TransactionLogFile? file in new[] { log2, log })
        {
            if (file != null)
            {
                problems.AddRange(file.Problems);
                if (file.IsUsable)
                {
                    logs.Add(file);
                }
            }
        }

        if (logs.Count == 2 && logs[0].Header.FileSeq >= logs[1].Header.FileSeq)
        {
            if (logs[0].Header.FileSeq == logs[1].Header.FileSeq)
            {
                problems.Add(new IndexProblem(logs[0].File, TransactionLogHeaderFields.FileSeq, "LogDuplicateSequence", "duplicate transaction log sequence (" + N(logs[0].Header.FileSeq) + ")"));
            }

            logs.RemoveAt(0);
        }

        uint startSeq = 0;
        long startOffset = 0;
        if (index != null)
        {
            problems.AddRange(index.Problems);
        }

        if (index != null && index.IsUsable)
        {
            FromIndex = true;
            IndexId = index.Header.IndexId;
            startSeq = index.Header.LogFileSeq;
            startOffset = index.Header.LogFileHeadOffset;
            LoadIndex(index);
            foreach (TransactionLogFile file in logs)
            {
                if (file.Header.IndexId != 0 && file.Header.IndexId != index.Header.IndexId)
                {
                    problems.Add(new IndexProblem(file.File, TransactionLogHeaderFields.IndexId, "LogIndexIdChanged", "indexid changed: " + N(index.Header.IndexId) + " -> " + N(file.Header.IndexId)));
                }
            }

            logs.RemoveAll(l => l.Header.FileSeq < startSeq);
            if (logs.Count > 0 && logs[0].Header.FileSeq != startSeq)
            {
                problems.Add(new IndexProblem(logs[0].File, TransactionLogHeaderFields.FileSeq, "LogSequenceMissing", "Missing middle file seq=" + N(startSeq) + " (index's log_file_seq; oldest log has " + N(logs[0].Header.FileSeq) + ")"));
                startOffset = 0;
            }
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), 1);
            if (logs.Count == 2 && logs[1].Header.PrevFileSeq != logs[0].Header.FileSeq)
            {
                logs.RemoveAt(0);
            }

            if (logs.Count > 0)
            {
                IndexId = logs[^1].Header.IndexId;
                if (logs[0].Header.PrevFileSeq != 0)
                {
                    problems.Add(new IndexProblem(logs[0].File, TransactionLogHeaderFields.PrevFileSeq, "LogHistoryMissing", "No dovecot.index and the oldest log continues file seq " + N(logs[0].Header.PrevFileSeq)));
                }
            }
        }

        foreach (TransactionLogFile file in logs)
        {
            long from = file.Header.FileSeq == startSeq ? startOffset : 0;
            if (from > file.SyncOffset)
            {
                problems.Add(new IndexProblem(file.File, from, "LogOffsetPastEnd", "log_file_head_offset " + N(from) + " is past the end of the log (" + N(file.SyncOffset) + ")"));
            }

            foreach (TransactionLogRecord record in file.Records)
            {
                if (record.Offset >= from && record.IsValid)
                {
                    Apply(file, record);
                }
            }

            LogPosition = (file.Header.FileSeq, file.SyncOffset);
        }

        uint last = messages.Count > 0 ? messages[^1].Uid : 0;
        if (last >= NextUid)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), last + 1);
        }
    }

    private void LoadIndex(IndexFile index)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.UidValidity), index.Header.UidValidity);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), index.Header.NextUid);
        uint previous = 0;
        foreach (IndexRecord record in index.Records)
        {
            if (record.Uid <= previous)
            {
                continue;
            }

            previous = record.Uid;
            var message = new MailboxMessage(record.Uid, record.Flags);
            foreach (string keyword in index.KeywordsOf(record))
            {
                message.Keywords.Add(keyword);
            }

            messages.Add(message);
        }
    }

    private void Apply(TransactionLogFile file, TransactionLogRecord record)
    {
        ReadOnlySpan<byte> p = record.Payload;
        switch (record.Type)
        {
            case TransactionLogRecordType.Append:
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
                    uint last = messages.Count > 0 ? messages[^1].Uid : 0;
                    if (uid <= last || uid == 0)
                    {
                        problems.Add(new IndexProblem(file.File, record.Offset, "LogAppendUidNotAscending", "Append with UID " + N(uid) + ", but next_uid = " + N(Math.Max(NextUid, last + 1))));
                        continue;
                    }

                    messages.Add(new MailboxMessage(uid, (MailIndexFlags)p[i + 4]));
                    if (uid >= NextUid)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), uid + 1);
                    }
                }

                break;
            case TransactionLogRecordType.FlagUpdate:
                for (int i = 0; i + 12 <= p.Length; i += 12)
                {
                    var add = (MailIndexFlags)p[i + 8];
                    var remove = (MailIndexFlags)p[i + 9];
                    foreach (MailboxMessage m in Range(p[i..]))
                    {
                        m.Flags = (m.Flags & ~remove) | add;
                    }
                }

                break;
            case TransactionLogRecordType.KeywordUpdate:
            {
                byte modify = p[0];
                int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(p[2..]);
                string name = System.Text.Encoding.UTF8.GetString(p.Slice(4, nameSize));
                for (int i = (4 + nameSize + 3) & ~3; i + 8 <= p.Length; i += 8)
                {
                    foreach (MailboxMessage m in Range(p[i..]))
                    {
                        if (modify == 0)
                        {
                            m.Keywords.Add(name);
                        }
                        else
                        {
                            m.Keywords.Remove(name);
                        }
                    }
                }

                break;
            }

            case TransactionLogRecordType.KeywordReset:
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    foreach (MailboxMessage m in Range(p[i..]))
                    {
                        m.Keywords.Clear();
                    }
                }

                break;
            case TransactionLogRecordType.Expunge when record.IsExternal:
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    (int first, int end) = Find(BinaryPrimitives.ReadUInt32LittleEndian(p[i..]), BinaryPrimitives.ReadUInt32LittleEndian(p[(i + 4)..]));
                    messages.RemoveRange(first, end - first);
                }

                break;
            case TransactionLogRecordType.ExpungeGuid when record.IsExternal:
                for (int i = 0; i + 20 <= p.Length; i += 20)
                {
                    uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
                    (int first, int end) = Find(uid, uid);
                    messages.RemoveRange(first, end - first);
                }

                break;
            case TransactionLogRecordType.HeaderUpdate:
                ApplyHeaderUpdate(p);
                break;
            default:
                break;
        }
    }

    private void ApplyHeaderUpdate(ReadOnlySpan<byte> p)
    {
        uint oldNextUid = NextUid;
        int pos = 0;
        while (pos + 4 <= p.Length)
        {
            int offset = BinaryPrimitives.ReadUInt16LittleEndian(p[pos..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(p[(pos + 2)..]);
            if (pos + 4 + size > p.Length)
            {
                break;
            }

            // Only the base header; counters and log positions are recomputed, not patched.
            for (int k = 0; k < size; k++)
            {
                int at = offset + k;
                if (at >= IndexHeaderFields.UidValidity && at < IndexHeaderFields.NextUid + 4)
                {
                    header[at] = p[pos + 4 + k];
                }
            }

            pos = (pos + 4 + size + 3) & ~3;
        }

        // Dovecot blocks a next_uid that would shrink (races with dsync).
        if (NextUid < oldNextUid)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), oldNextUid);
        }
    }

    private Span<MailboxMessage> Range(ReadOnlySpan<byte> range)
    {
        (int first, int end) = Find(BinaryPrimitives.ReadUInt32LittleEndian(range), BinaryPrimitives.ReadUInt32LittleEndian(range[4..]));
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages)[first..end];
    }

    private (int First, int End) Find(uint uid1, uint uid2)
    {
        int first = LowerBound(uid1);
        int end = uid2 == uint.MaxValue ? messages.Count : LowerBound(uid2 + 1);
        return (first, Math.Max(first, end));
    }

    private int LowerBound(uint uid)
    {
        int lo = 0;
        int hi = messages.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (messages[mid].Uid < uid)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
