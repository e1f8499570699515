using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>
/// A Dovecot index as a process sees it after syncing: <c>&lt;prefix&gt;</c> (if usable) with
/// <c>&lt;prefix&gt;.log.2</c> and <c>&lt;prefix&gt;.log</c> replayed over it, extensions included
/// (introductions and resizes, resets, header and record updates, atomic increments), keywords, counters, and
/// modseqs once the <c>modseq</c> extension exists (mail-index-sync-update.c, mail-index-sync-ext.c,
/// mail-index-sync-keywords.c, mail-index-modseq.c). The one replay of Dovecot's logs: a mailbox's state
/// (<see cref="MailboxState"/>) and the mailbox list index are read through it. Never throws on malformed content: what
/// Dovecot would call corrupted becomes an <see cref="IndexProblem"/> and the change is skipped.
/// </summary>
public sealed partial class IndexMap
{
    private readonly List<IndexProblem> problems = new();
    private CopyOnWriteList<IndexMapRecord> records = new();
    private List<IndexMapExtension> extensions = new();
    private List<string> keywords = new();
    private byte[] header = new byte[IndexHeaderFields.Size];
    private int baseHeaderSize = IndexHeaderFields.Size;

    private IndexMap()
    {
    }

    /// <summary>uid_validity.</summary>
    public uint UidValidity => U32(IndexHeaderFields.UidValidity);

    /// <summary>next_uid.</summary>
    public uint NextUid => U32(IndexHeaderFields.NextUid);

    /// <summary>The base header's flags (0x04 = fsck'd).</summary>
    public uint HeaderFlags => U32(IndexHeaderFields.Flags);

    /// <summary>first_recent_uid.</summary>
    public uint FirstRecentUid => U32(IndexHeaderFields.FirstRecentUid);

    /// <summary>indexid of the index (or of the newest log when there is no usable index).</summary>
    public uint IndexId { get; private set; }

    /// <summary>messages_count: the records after replay.</summary>
    public int MessagesCount => records.Count;

    /// <summary>seen_messages_count: records with \Seen.</summary>
    public int SeenMessagesCount => Count(MailIndexFlags.Seen);

    /// <summary>deleted_messages_count: records with \Deleted.</summary>
    public int DeletedMessagesCount => Count(MailIndexFlags.Deleted);

    /// <summary>The records, by ascending UID.</summary>
    public IReadOnlyList<IndexMapRecord> Records => records;

    /// <summary>The extensions, in map order (their <see cref="IndexMapExtension.Id"/>).</summary>
    public IReadOnlyList<IndexMapExtension> Extensions => extensions;

    /// <summary>Keyword names by index (bit number in the <c>keywords</c> extension).</summary>
    public IReadOnlyList<string> Keywords => keywords;

    /// <summary>The index file the map started from, or null.</summary>
    public string? IndexFileName { get; private set; }

    /// <summary>The base header of the index file as on disk (before the logs are applied), or null without one.</summary>
    public IndexHeader? IndexFileHeader { get; private set; }

    /// <summary>The extensions of the index file as on disk (empty without one).</summary>
    public IReadOnlyList<IndexExtension> IndexFileExtensions { get; private set; } = [];

    /// <summary>The keyword names in the index file's keywords extension, by index (empty without one).</summary>
    public IReadOnlyList<string> IndexFileKeywords { get; private set; } = [];

    /// <summary>Whether a usable index file was the starting point.</summary>
    public bool FromIndex { get; private set; }

    /// <summary>The log sequence and offset the replay ended at.</summary>
    public (uint FileSeq, long Offset) LogPosition { get; private set; }

    /// <summary>What is wrong in the files read and in the changes replayed.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>The extension called <paramref name="name"/>, or null.</summary>
    public IndexMapExtension? FindExtension(string name)
    {
        foreach (IndexMapExtension extension in extensions)
        {
            if (string.Equals(extension.Name, name, StringComparison.Ordinal))
            {
                return extension;
            }
        }

        return null;
    }

    /// <summary>The record with <paramref name="uid"/>, or null.</summary>
    public IndexMapRecord? FindRecord(uint uid)
    {
        int i = PositionOf(uid);
        return i < 0 ? null : records[i];
    }

    /// <summary>The keyword names set in <paramref name="record"/>, by keyword index.</summary>
    public IReadOnlyList<string> KeywordsOf(IndexMapRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        IndexMapExtension? ext = FindExtension(KeywordsExtensionName);
        ReadOnlySpan<byte> bits = ext == null ? ReadOnlySpan<byte>.Empty : record.Extension(ext);
        if (bits.IndexOfAnyExcept((byte)0) < 0)
        {
            // Most messages have no keyword: no list for them.
            return [];
        }

        var names = new List<string>();
        for (int i = 0; i < bits.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                if ((bits[i] & (1 << bit)) != 0)
                {
                    int n = (i * 8) + bit;
                    names.Add(n < keywords.Count ? keywords[n] : "#" + N(n));
                }
            }
        }

        return names;
    }

    private static long Align8(long value) => (value + 7) & ~7L;

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(offset));

    private void SetU32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(offset), value);

    private int Count(MailIndexFlags flag)
    {
        int n = 0;
        foreach (IndexMapRecord record in records)
        {
            n += (record.Flags & flag) != 0 ? 1 : 0;
        }

        return n;
    }

    private void Problem(string file, long offset, string code, string message) => problems.Add(new IndexProblem(file, offset, code, message));

    private void Run(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log)
    {
        List<TransactionLogFile> logs = TransactionLogFile.InReplayOrder(log2, log, problems);

        uint startSeq = 0;
        long startOffset = 0;
        if (index != null)
        {
            problems.AddRange(index.Problems);
            IndexFileHeader = index.Header;
            IndexFileExtensions = index.Extensions;
            IndexFileKeywords = index.Keywords;
        }

        if (index != null && index.IsUsable)
        {
            FromIndex = true;
            IndexFileName = index.File;
            IndexId = index.Header.IndexId;
            startSeq = index.Header.LogFileSeq;
            startOffset = index.Header.LogFileHeadOffset;
            LoadIndex(index);
            foreach (TransactionLogFile file in logs)
            {
                if (file.Header.IndexId != 0 && file.Header.IndexId != index.Header.IndexId)
                {
                    Problem(file.File, TransactionLogHeaderFields.IndexId, "LogIndexIdChanged", "indexid changed: " + N(index.Header.IndexId) + " -> " + N(file.Header.IndexId));
                }
            }

            logs.RemoveAll(l => l.Header.FileSeq < startSeq);
            if (logs.Count > 0 && logs[0].Header.FileSeq != startSeq)
            {
                Problem(logs[0].File, TransactionLogHeaderFields.FileSeq, "LogSequenceMissing", "Missing middle file seq=" + N(startSeq) + " (index's log_file_seq; oldest log has " + N(logs[0].Header.FileSeq) + ")");
                startOffset = 0;
            }
        }
        else
        {
            // mail_index_header_init(): an empty map in memory.
            SetU32(IndexHeaderFields.NextUid, 1);
            SetU32(IndexHeaderFields.FirstRecentUid, 1);
            if (logs.Count == 2 && logs[1].Header.PrevFileSeq != logs[0].Header.FileSeq)
            {
                logs.RemoveAt(0);
            }

            if (logs.Count > 0)
            {
                IndexId = logs[^1].Header.IndexId;
                if (logs[0].Header.PrevFileSeq != 0)
                {
                    Problem(logs[0].File, TransactionLogHeaderFields.PrevFileSeq, "LogHistoryMissing", "No " + IndexNameOf(logs[0].File) + " and the oldest log continues file seq " + N(logs[0].Header.PrevFileSeq));
                }
            }
        }

        foreach (TransactionLogFile file in logs)
        {
            long from = file.Header.FileSeq == startSeq ? startOffset : 0;
            if (from > file.SyncOffset)
            {
                Problem(file.File, from, "LogOffsetPastEnd", "log_file_head_offset " + N(from) + " is past the end of the log (" + N(file.SyncOffset) + ")");
            }

            SyncFile(file, from);
        }

        Finish();
    }

    /// <summary>What follows the last record applied: the modseq header moves to the end, next_uid passes the last UID.</summary>
    private void Finish()
    {
        FinishModseq();
        uint last = records.Count > 0 ? records[^1].Uid : 0;
        if (last >= NextUid)
        {
            SetU32(IndexHeaderFields.NextUid, last + 1);
        }
    }

    private void LoadIndex(IndexFile index)
    {
        IndexHeader h = index.Header;
        SetU32(IndexHeaderFields.Flags, h.Flags);
        SetU32(IndexHeaderFields.UidValidity, h.UidValidity);
        SetU32(IndexHeaderFields.NextUid, h.NextUid);
        SetU32(IndexHeaderFields.FirstRecentUid, h.FirstRecentUid);
        SetU32(IndexHeaderFields.FirstUnseenUidLowwater, h.FirstUnseenUidLowwater);
        SetU32(IndexHeaderFields.FirstDeletedUidLowwater, h.FirstDeletedUidLowwater);
        SetU32(IndexHeaderFields.LogFileSeq, h.LogFileSeq);
        SetU32(IndexHeaderFields.LogFileTailOffset, h.LogFileTailOffset);
        SetU32(IndexHeaderFields.LogFileHeadOffset, h.LogFileHeadOffset);
        baseHeaderSize = h.BaseHeaderSize;
        foreach (IndexExtension ext in index.Extensions)
        {
            extensions.Add(new IndexMapExtension(extensions.Count, ext.Name, ext.ResetId, (uint)ext.Header.Length, ext.RecordSize, ext.RecordAlign, ext.Header.ToArray(), index.File, ext.HeaderOffset));
        }

        keywords.AddRange(index.Keywords);
        uint previous = 0;
        long offset = index.Header.HeaderSize - index.Header.RecordSize;
        foreach (IndexRecord record in index.Records)
        {
            offset += index.Header.RecordSize;
            if (record.Uid <= previous)
            {
                // IndexFile has reported it; a map is strictly ascending.
                continue;
            }

            previous = record.Uid;
            var copy = new IndexMapRecord(record.Uid, record.Flags, index.File, offset, this);
            for (int i = 0; i < index.Extensions.Count; i++)
            {
                ReadOnlySpan<byte> field = record.Extension(index.Extensions[i]);
                if (field.Length > 0 && field.IndexOfAnyExcept((byte)0) >= 0)
                {
                    copy.SetField(i, field.ToArray(), index.File, offset + index.Extensions[i].RecordOffset);
                }
            }

            records.Add(copy);
        }

        StartModseqFromIndex();
    }

    /// <summary>The index file a log belongs to: its name without .log or .log.2.</summary>
    private static string IndexNameOf(string logPath)
    {
        string name = Path.GetFileName(logPath);
        int log = name.LastIndexOf(DovecotFileNames.LogSuffix, StringComparison.Ordinal);
        return log > 0 ? name[..log] : name;
    }

    /// <summary>The record at <paramref name="position"/>, copied first if an earlier map shares it.</summary>
    private IndexMapRecord Changeable(int position)
    {
        IndexMapRecord record = records[position];
        if (!ReferenceEquals(record.Owner, this))
        {
            record = record.CopyFor(this);
            records[position] = record;
        }

        return record;
    }

    /// <summary>The position of the record with <paramref name="uid"/>, or -1.</summary>
    private int PositionOf(uint uid)
    {
        int i = LowerBound(uid);
        return i < records.Count && records[i].Uid == uid ? i : -1;
    }

    private int LowerBound(uint uid)
    {
        int lo = 0;
        int hi = records.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (records[mid].Uid < uid)
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

    /// <summary>The records with UIDs in <paramref name="uid1"/>..<paramref name="uid2"/>, as an index range.</summary>
    private (int First, int End) Find(uint uid1, uint uid2)
    {
        int first = LowerBound(uid1);
        int end = uid2 == uint.MaxValue ? records.Count : LowerBound(uid2 + 1);
        return (first, Math.Max(first, end));
    }
}
