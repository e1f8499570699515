using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>
/// One extension of an <see cref="IndexMap"/>: its sizes after replay, its header data and, through
/// <see cref="IndexMapRecord.Extension"/>, its field in each record.
/// </summary>
public sealed class IndexMapExtension
{
    // Only the bytes written so far are kept (header sizes come from the files and are not trusted for allocation);
    // the rest of the declared header reads as zero, as in Dovecot's zero-filled header buffer.
    private byte[] header;

    internal IndexMapExtension(int id, string name, uint resetId, uint headerSize, ushort recordSize, ushort recordAlign, byte[] header, string file, long offset)
    {
        Id = id;
        Name = name;
        ResetId = resetId;
        HeaderSize = headerSize;
        RecordSize = recordSize;
        RecordAlign = recordAlign;
        this.header = header;
        HeaderFile = file;
        HeaderOffset = offset;
    }

    /// <summary>The extension's position in the map: the ext_id that the log's introductions refer to.</summary>
    public int Id { get; }

    /// <summary>The name (<c>list</c>, <c>msgs</c>, <c>modseq</c>, <c>keywords</c>, ...).</summary>
    public string Name { get; }

    /// <summary>reset_id.</summary>
    public uint ResetId { get; internal set; }

    /// <summary>The declared size of the header data.</summary>
    public uint HeaderSize { get; internal set; }

    /// <summary>Size of the field in each record (0 = header only).</summary>
    public ushort RecordSize { get; internal set; }

    /// <summary>Alignment of the record field.</summary>
    public ushort RecordAlign { get; internal set; }

    /// <summary>The file whose bytes last set the header: the index file, or a log holding an update.</summary>
    public string HeaderFile { get; private set; }

    /// <summary>
    /// Where in <see cref="HeaderFile"/>: the header data's offset in an index file, or the offset of the log record
    /// that last changed it.
    /// </summary>
    public long HeaderOffset { get; private set; }

    /// <summary>The header data up to the last byte ever written; bytes from its end up to <see cref="HeaderSize"/> are zero.</summary>
    public ReadOnlySpan<byte> Header => header.AsSpan(0, (int)Math.Min((uint)header.Length, HeaderSize));

    internal void WrittenAt(string file, long offset)
    {
        HeaderFile = file;
        HeaderOffset = offset;
    }

    internal void WriteHeader(long offset, ReadOnlySpan<byte> data)
    {
        long end = offset + data.Length;
        if (end > header.Length)
        {
            Array.Resize(ref header, (int)end);
        }

        data.CopyTo(header.AsSpan((int)offset));
    }

    internal void ReplaceHeader(byte[] data) => header = data;

    /// <summary>Drops the bytes from <paramref name="length"/> on (they become zero again).</summary>
    internal void CutHeader(long length)
    {
        if (header.Length > length)
        {
            Array.Resize(ref header, (int)Math.Max(0, length));
        }
    }
}

/// <summary>One record of an <see cref="IndexMap"/>: UID, flags and the extension fields written for it.</summary>
public sealed class IndexMapRecord
{
    private FieldData[] fields = [];

    internal IndexMapRecord(uint uid, MailIndexFlags flags, string file, long offset)
    {
        Uid = uid;
        Flags = flags;
        File = file;
        Offset = offset;
    }

    /// <summary>The UID.</summary>
    public uint Uid { get; }

    /// <summary>The flags byte.</summary>
    public MailIndexFlags Flags { get; internal set; }

    /// <summary>The file the record came from: the index file, or the log that appended it.</summary>
    public string File { get; }

    /// <summary>Where in <see cref="File"/>: the record's offset in an index file, or the offset of the append record.</summary>
    public long Offset { get; }

    /// <summary>
    /// The bytes of <paramref name="extension"/> written for this record, at most its record_size; bytes past the end
    /// of what is returned are zero (an empty span: never written, or cleared by a reset).
    /// </summary>
    public ReadOnlySpan<byte> Extension(IndexMapExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        byte[]? data = Field(extension.Id);
        return data == null ? ReadOnlySpan<byte>.Empty : data.AsSpan(0, Math.Min(data.Length, (int)extension.RecordSize));
    }

    /// <summary>Where <paramref name="extension"/>'s field was last written (file and offset), or this record's own place.</summary>
    public (string File, long Offset) ExtensionSource(IndexMapExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        FieldData field = extension.Id < fields.Length ? fields[extension.Id] : default;
        return field.File == null ? (File, Offset) : (field.File, field.Offset);
    }

    /// <summary>A little-endian u32 of <paramref name="extension"/>'s field at <paramref name="offset"/> (0 when not written).</summary>
    public uint ExtensionUInt32(IndexMapExtension extension, int offset)
    {
        ReadOnlySpan<byte> data = Extension(extension);
        Span<byte> value = stackalloc byte[4];
        value.Clear();
        if (offset >= 0 && offset < data.Length)
        {
            data.Slice(offset, Math.Min(4, data.Length - offset)).CopyTo(value);
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(value);
    }

    /// <summary>A little-endian u64 of <paramref name="extension"/>'s field at <paramref name="offset"/> (0 when not written).</summary>
    public ulong ExtensionUInt64(IndexMapExtension extension, int offset) =>
        ExtensionUInt32(extension, offset) | ((ulong)ExtensionUInt32(extension, offset + 4) << 32);

    internal byte[]? Field(int id) => id < fields.Length ? fields[id].Data : null;

    internal void SetField(int id, byte[]? data, string file, long offset)
    {
        if (id >= fields.Length)
        {
            if (data == null)
            {
                return;
            }

            Array.Resize(ref fields, id + 1);
        }

        fields[id] = new FieldData(data, file, offset);
    }

    /// <summary>Keeps the field's source when only its size changes.</summary>
    internal void ResizeField(int id, int size)
    {
        byte[]? data = Field(id);
        if (data != null && data.Length > size)
        {
            fields[id] = fields[id] with { Data = data.AsSpan(0, size).ToArray() };
        }
    }

    private readonly record struct FieldData(byte[]? Data, string? File, long Offset);
}

/// <summary>
/// A Dovecot index as a process sees it after syncing: <c>&lt;prefix&gt;</c> (if usable) with
/// <c>&lt;prefix&gt;.log.2</c> and <c>&lt;prefix&gt;.log</c> replayed over it, extensions included
/// (introductions and resizes, resets, header and record updates, atomic increments), keywords, counters, and
/// modseqs once the <c>modseq</c> extension exists (mail-index-sync-update.c, mail-index-sync-ext.c,
/// mail-index-sync-keywords.c, mail-index-modseq.c). Used for indexes whose data lives in extensions, like the
/// mailbox list index. Never throws on malformed content: what Dovecot would call corrupted becomes an
/// <see cref="IndexProblem"/> and the change is skipped.
/// </summary>
public sealed partial class IndexMap
{
    private readonly List<IndexMapRecord> records = new();
    private readonly List<IndexMapExtension> extensions = new();
    private readonly List<IndexProblem> problems = new();
    private readonly List<string> keywords = new();
    private readonly byte[] header = new byte[IndexHeaderFields.Size];
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
        int i = LowerBound(uid);
        return i < records.Count && records[i].Uid == uid ? records[i] : null;
    }

    /// <summary>The keyword names set in <paramref name="record"/>.</summary>
    public IReadOnlyList<string> KeywordsOf(IndexMapRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var names = new List<string>();
        IndexMapExtension? ext = FindExtension(KeywordsExtensionName);
        if (ext == null)
        {
            return names;
        }

        ReadOnlySpan<byte> bits = record.Extension(ext);
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

    /// <summary>
    /// Reads <c>&lt;prefix&gt;</c>, <c>&lt;prefix&gt;.log.2</c> and <c>&lt;prefix&gt;.log</c> from
    /// <paramref name="directory"/> (any may be missing) and replays. <paramref name="prefix"/> is
    /// <c>dovecot.index</c> for a mailbox, <c>dovecot.list.index</c> for the mailbox list.
    /// </summary>
    public static IndexMap Load(string directory, string prefix = DovecotFileNames.Index)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(prefix);
        string indexPath = Path.Combine(directory, prefix);
        IndexFile? index = TryRead(indexPath, IndexFile.Read);
        TransactionLogFile? log = TryRead(indexPath + DovecotFileNames.LogSuffix, TransactionLogFile.Read);
        TransactionLogFile? log2 = TryRead(indexPath + DovecotFileNames.Log2Suffix, TransactionLogFile.Read);
        return Replay(index, log2, log);
    }

    /// <summary>Replays the logs over the index. <paramref name="index"/> null or unusable: the logs from their start.</summary>
    public static IndexMap Replay(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log)
    {
        var map = new IndexMap();
        map.Run(index, log2, log);
        return map;
    }

    private static T? TryRead<T>(string path, Func<string, T> read)
        where T : class
    {
        // Most mailboxes lack some of the three files; a failed open costs an exception, a stat does not.
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        try
        {
            return read(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
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
                    Problem(logs[0].File, TransactionLogHeaderFields.PrevFileSeq, "LogHistoryMissing", "No index file and the oldest log continues file seq " + N(logs[0].Header.PrevFileSeq));
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
            LogPosition = (file.Header.FileSeq, file.SyncOffset);
        }

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
            var copy = new IndexMapRecord(record.Uid, record.Flags, index.File, offset);
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
