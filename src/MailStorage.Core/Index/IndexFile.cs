using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.Win32.SafeHandles;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>The flags byte of an index record (<c>enum mail_flags</c> plus index-private bits).</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Dovecot's own name: enum mail_flags.")]
public enum MailIndexFlags : byte
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>\Answered.</summary>
    Answered = 0x01,

    /// <summary>\Flagged.</summary>
    Flagged = 0x02,

    /// <summary>\Deleted.</summary>
    Deleted = 0x04,

    /// <summary>\Seen.</summary>
    Seen = 0x08,

    /// <summary>\Draft.</summary>
    Draft = 0x10,

    /// <summary>Old \Recent bit, never set on disk any more.</summary>
    Recent = 0x20,

    /// <summary>MAIL_INDEX_MAIL_FLAG_BACKEND (backend private).</summary>
    Backend = 0x40,

    /// <summary>MAIL_INDEX_MAIL_FLAG_DIRTY: not yet written to the backend.</summary>
    Dirty = 0x80,

    /// <summary>The five IMAP system flags an index stores.</summary>
    SystemFlags = Answered | Flagged | Deleted | Seen | Draft,
}

/// <summary>Byte offsets of <c>struct mail_index_ext_header</c>.</summary>
internal static class IndexExtensionFields
{
    public const int HeaderDataSize = 0;
    public const int ResetId = 4;
    public const int RecordOffset = 8;
    public const int RecordSize = 10;
    public const int RecordAlign = 12;
    public const int NameSize = 14;
    public const int Name = 16;
    public const int MaxHeaderSize = (16 * 1024 * 1024) - 1;
    public const int MaxRecordSize = 32768;
    public const int MaxNameLength = 64;
}

/// <summary>One extension of <c>dovecot.index</c>: its header data (kept raw) and its field in every record.</summary>
public sealed class IndexExtension
{
    internal IndexExtension(string name, long headerOffset, byte[] header, uint resetId, ushort recordOffset, ushort recordSize, ushort recordAlign)
    {
        Name = name;
        HeaderOffset = headerOffset;
        Header = header;
        ResetId = resetId;
        RecordOffset = recordOffset;
        RecordSize = recordSize;
        RecordAlign = recordAlign;
    }

    /// <summary>The name (<c>keywords</c>, <c>cache</c>, <c>maildir</c>, <c>hdr-vsize</c>, ...).</summary>
    public string Name { get; }

    /// <summary>File offset of the extension's header data.</summary>
    public long HeaderOffset { get; }

    /// <summary>The extension's header data, as on disk.</summary>
    public ReadOnlyMemory<byte> Header { get; }

    /// <summary>reset_id.</summary>
    public uint ResetId { get; }

    /// <summary>Offset of this extension's field inside each record.</summary>
    public ushort RecordOffset { get; }

    /// <summary>Size of the field in each record (0 = header only).</summary>
    public ushort RecordSize { get; }

    /// <summary>Alignment of the record field.</summary>
    public ushort RecordAlign { get; }
}

/// <summary>One record of <c>dovecot.index</c>, a view over the file's bytes.</summary>
public readonly ref struct IndexRecord
{
    internal IndexRecord(int seq, ReadOnlySpan<byte> data)
    {
        Seq = seq;
        Data = data;
    }

    /// <summary>Sequence number, from 1.</summary>
    public int Seq { get; }

    /// <summary>The whole record (record_size bytes).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The UID.</summary>
    public uint Uid => BinaryPrimitives.ReadUInt32LittleEndian(Data);

    /// <summary>The flags byte.</summary>
    public MailIndexFlags Flags => (MailIndexFlags)Data[4];

    /// <summary>The bytes of <paramref name="extension"/> in this record (empty if it has none).</summary>
    public ReadOnlySpan<byte> Extension(IndexExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        int end = extension.RecordOffset + extension.RecordSize;
        return extension.RecordSize == 0 || end > Data.Length ? ReadOnlySpan<byte>.Empty : Data.Slice(extension.RecordOffset, extension.RecordSize);
    }
}

/// <summary>The records of an index, enumerable with <c>foreach</c> without allocating.</summary>
public readonly ref struct IndexRecords
{
    private readonly ReadOnlySpan<byte> data;
    private readonly int recordSize;
    private readonly int count;

    internal IndexRecords(ReadOnlySpan<byte> data, int recordSize, int count)
    {
        this.data = data;
        this.recordSize = recordSize;
        this.count = count;
    }

    /// <summary>How many records.</summary>
    public int Count => count;

    /// <summary>The record with sequence <paramref name="seq"/> (from 1).</summary>
    public IndexRecord this[int seq] => seq < 1 || seq > count
        ? throw new ArgumentOutOfRangeException(nameof(seq))
        : new IndexRecord(seq, data.Slice((seq - 1) * recordSize, recordSize));

    /// <summary>The enumerator.</summary>
    public Enumerator GetEnumerator() => new(data, recordSize, count);

    /// <summary>A struct enumerator over the records.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> data;
        private readonly int recordSize;
        private readonly int count;
        private int seq;

        internal Enumerator(ReadOnlySpan<byte> data, int recordSize, int count)
        {
            this.data = data;
            this.recordSize = recordSize;
            this.count = count;
        }

        /// <summary>The current record.</summary>
        public readonly IndexRecord Current => new(seq, data.Slice((seq - 1) * recordSize, recordSize));

        /// <summary>Moves to the next record.</summary>
        public bool MoveNext() => ++seq <= count;
    }
}

/// <summary>
/// A parsed <c>dovecot.index</c>: base header, extensions, keyword names and records, with the problems Dovecot
/// would find when mapping it (mail-index-map-read.c, mail-index-map-hdr.c). Never throws on malformed content.
/// </summary>
public sealed class IndexFile
{
    private readonly ReadOnlyMemory<byte> data;
    private readonly List<IndexProblem> problems = new();
    private readonly List<IndexExtension> extensions = new();
    private readonly List<string> keywords = new();

    private IndexFile(string file, ReadOnlyMemory<byte> data)
    {
        File = file;
        this.data = data;
        Header = IndexHeader.Read(data.Span);
    }

    /// <summary>The file name used in problems.</summary>
    public string File { get; }

    /// <summary>The base header.</summary>
    public IndexHeader Header { get; }

    /// <summary>False when Dovecot would drop the file and rebuild from the log (wrong version, broken sizes...).</summary>
    public bool IsUsable { get; private set; }

    /// <summary>The extensions in on-disk order.</summary>
    public IReadOnlyList<IndexExtension> Extensions => extensions;

    /// <summary>Keyword names from the <c>keywords</c> extension header, by index.</summary>
    public IReadOnlyList<string> Keywords => keywords;

    /// <summary>The <c>keywords</c> extension, or null.</summary>
    public IndexExtension? KeywordsExtension { get; private set; }

    /// <summary>What is wrong with the file.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>How many records can be read (messages_count, cut to what the file holds).</summary>
    public int RecordCount { get; private set; }

    /// <summary>The file's length in bytes.</summary>
    public int Length => data.Length;

    /// <summary>The records (empty when the file is unusable).</summary>
    public IndexRecords Records => RecordCount == 0
        ? new IndexRecords(ReadOnlySpan<byte>.Empty, 0, 0)
        : new IndexRecords(data.Span.Slice((int)Header.HeaderSize, RecordCount * (int)Header.RecordSize), (int)Header.RecordSize, RecordCount);

    /// <summary>Reads a file without taking any lock (Dovecot replaces it by rename, never writes it in place).</summary>
    public static IndexFile Read(string path)
    {
        using SafeFileHandle handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Parse(ReadAll(handle), path);
    }

    /// <summary>Parses the bytes of a <c>dovecot.index</c> (the array is kept, not copied).</summary>
    public static IndexFile Parse(byte[] data, string file)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Parse(new ReadOnlyMemory<byte>(data), file);
    }

    /// <summary>
    /// Parses a <c>dovecot.index</c> held in memory, without copying it: the records stay views over
    /// <paramref name="data"/>, so it must stay valid (and unchanged) as long as this object is used. Memory from an
    /// <see cref="Caching.IndexFileView"/> qualifies until the view is disposed. Extension headers are copied: they are
    /// small and callers keep them.
    /// </summary>
    public static IndexFile Parse(ReadOnlyMemory<byte> data, string file)
    {
        var index = new IndexFile(file, data);
        index.Check();
        return index;
    }

    /// <summary>The keyword names set in <paramref name="record"/>.</summary>
    public IReadOnlyList<string> KeywordsOf(IndexRecord record)
    {
        var names = new List<string>();
        if (KeywordsExtension == null)
        {
            return names;
        }

        ReadOnlySpan<byte> bits = record.Extension(KeywordsExtension);
        for (int i = 0; i < bits.Length; i++)
        {
            for (int bit = 0; bit < 8 && bits[i] != 0; bit++)
            {
                if ((bits[i] & (1 << bit)) != 0)
                {
                    int n = (i * 8) + bit;
                    names.Add(n < keywords.Count ? keywords[n] : "#" + n.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        return names;
    }

    /// <summary>Reads a whole file through a handle (no lock), bounded by its size at open.</summary>
    internal static byte[] ReadAll(SafeFileHandle handle)
    {
        long length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue - 64)
        {
            throw new IOException("File too large: " + length);
        }

        var buffer = new byte[length];
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(done), done);
            if (n == 0)
            {
                return buffer.AsSpan(0, done).ToArray();
            }

            done += n;
        }

        return buffer;
    }

    private void Problem(long offset, string code, string message) => problems.Add(new IndexProblem(File, offset, code, message));

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

    private bool ReadExtensions()
    {
        IndexHeader h = Header;
        long offset = Align8(h.BaseHeaderSize);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; offset < h.HeaderSize; i++)
        {
            if (offset + IndexExtensionFields.Name >= h.HeaderSize)
            {
                Problem(offset, "IndexExtensionOutsideHeader", "Header extension #" + N(i) + " () goes outside header");
                return false;
            }

            ReadOnlySpan<byte> e = data.Span[(int)offset..];
            uint hdrSize = BinaryPrimitives.ReadUInt32LittleEndian(e[IndexExtensionFields.HeaderDataSize..]);
            uint resetId = BinaryPrimitives.ReadUInt32LittleEndian(e[IndexExtensionFields.ResetId..]);
            ushort recOffset = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.RecordOffset..]);
            ushort recSize = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.RecordSize..]);
            ushort recAlign = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.RecordAlign..]);
            ushort nameSize = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.NameSize..]);
            long dataOffset = offset + Align8(IndexExtensionFields.Name + nameSize);
            if (dataOffset > h.HeaderSize)
            {
                Problem(offset, "IndexExtensionOutsideHeader", "Header extension #" + N(i) + " () goes outside header");
                return false;
            }

            string name = Encoding.ASCII.GetString(e.Slice(IndexExtensionFields.Name, nameSize));
            if (dataOffset + hdrSize > h.HeaderSize)
            {
                Problem(offset, "IndexExtensionOutsideHeader", "Header extension #" + N(i) + " (" + name + ") goes outside header");
                return false;
            }

            string? error = CheckExtension(hdrSize, recOffset, recSize, recAlign, name);
            if (error != null)
            {
                Problem(offset, "IndexExtensionBroken", "Broken extension #" + N(i) + " (" + name + "): " + error);
                return false;
            }

            if (!names.Add(name))
            {
                Problem(offset, "IndexExtensionDuplicate", "Duplicate header extension " + name);
                return false;
            }

            var ext = new IndexExtension(name, dataOffset, data.Span.Slice((int)dataOffset, (int)hdrSize).ToArray(), resetId, recOffset, recSize, recAlign);
            extensions.Add(ext);
            if (name == "keywords")
            {
                KeywordsExtension = ext;
                ReadKeywords(ext);
            }

            offset = Align8(dataOffset + hdrSize);
        }

        return true;
    }

    private string? CheckExtension(uint hdrSize, ushort recOffset, ushort recSize, ushort recAlign, string name)
    {
        if (hdrSize == 0 && recSize == 0)
        {
            return "Invalid header/record size";
        }

        if (name.Length == 0 || name.Length >= IndexExtensionFields.MaxNameLength)
        {
            return "Invalid name length";
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' || c == ' '))
            {
                return "Invalid name";
            }
        }

        if (recSize > 0)
        {
            if (recAlign == 0 || recAlign > 8)
            {
                return "Record field alignmentation " + N(recAlign) + " not supported";
            }

            if (recOffset + recSize > Header.RecordSize)
            {
                return "Record field points outside record size (" + N(Header.RecordSize) + " < " + N(recOffset) + "+" + N(recSize) + ")";
            }

            if (recOffset % recAlign != 0)
            {
                return "Record field alignment " + N(recAlign) + " not used";
            }

            if (Header.RecordSize % recAlign != 0)
            {
                return "Record size not aligned by " + N(recAlign) + " as required by extension";
            }
        }

        if (hdrSize > IndexExtensionFields.MaxHeaderSize)
        {
            return "Headersize too large (" + N(hdrSize) + ")";
        }

        return null;
    }

    private void ReadKeywords(IndexExtension ext)
    {
        ReadOnlySpan<byte> hdr = ext.Header.Span;
        if (hdr.Length < 4)
        {
            Problem(ext.HeaderOffset, "IndexKeywordsHeader", "keywords_count larger than header size");
            return;
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(hdr);
        long namesStart = 4 + (8L * count);
        if (namesStart > hdr.Length)
        {
            Problem(ext.HeaderOffset, "IndexKeywordsHeader", "keywords_count larger than header size");
            return;
        }

        ReadOnlySpan<byte> area = hdr[(int)namesStart..];
        if (count > 0 && (area.Length == 0 || area[^1] != 0))
        {
            Problem(ext.HeaderOffset + namesStart, "IndexKeywordsHeader", "Keyword header doesn't end with NUL");
            return;
        }

        int pos = 0;
        for (int i = 0; i < count; i++)
        {
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(hdr[(4 + (8 * i) + 4)..]);
            if (nameOffset > area.Length)
            {
                Problem(ext.HeaderOffset + 4 + (8 * i), "IndexKeywordsHeader", "name_offset points outside allocated header");
                return;
            }

            if (nameOffset != pos || pos >= area.Length)
            {
                Problem(ext.HeaderOffset + 4 + (8 * i), "IndexKeywordsHeader", "Keyword name_offset " + N(nameOffset) + " != " + N(pos));
                return;
            }

            int end = area[pos..].IndexOf((byte)0);
            keywords.Add(Encoding.UTF8.GetString(area.Slice(pos, end)));
            pos += end + 1;
        }
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

    private static long Align8(long value) => (value + 7) & ~7L;
}
