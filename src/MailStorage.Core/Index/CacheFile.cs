using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MailStorage.Core.Index;

/// <summary>
/// A <c>dovecot.index.cache</c> read into memory: the <see cref="CacheHeader"/>, the chain of field headers (the
/// latest one declares the <see cref="Fields"/>), and the records found by walking the file from the header on
/// (field header blocks skipped). A message's newest record offset comes from the index's "cache" extension; its
/// fields are looked up through the record's prev_offset chain. Checks are those of mail-cache.c and
/// mail-cache-fields.c, with Dovecot's wording; nothing is allocated from a count that the file size does not back.
/// </summary>
public sealed class CacheFile
{
    /// <summary>Largest file read.</summary>
    public const long MaxFileSize = 1L << 30;

    /// <summary>Field header fixed part: next_offset, size, fields_count.</summary>
    public const int FieldHeaderFixedSize = 12;

    private readonly ReadOnlyMemory<byte> data;
    private readonly List<IndexProblem> problems = new();
    private readonly List<CacheField> fields = new();
    private readonly Dictionary<string, int> fieldsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<CacheFieldHeaderBlock> fieldHeaders = new();
    private readonly List<CacheRecord> records = new();

    private CacheFile(ReadOnlyMemory<byte> data, string file)
    {
        this.data = data;
        File = file;
    }

    /// <summary>The file read.</summary>
    public string File { get; }

    /// <summary>Its length in bytes.</summary>
    public int Length => data.Length;

    /// <summary>The header, or null when the file is shorter than 32 bytes.</summary>
    public CacheHeader? Header { get; private set; }

    /// <summary>The fields of the latest field header, by file field index.</summary>
    public IReadOnlyList<CacheField> Fields => fields;

    /// <summary>The field header chain, oldest first.</summary>
    public IReadOnlyList<CacheFieldHeaderBlock> FieldHeaders => fieldHeaders;

    /// <summary>The records in file order.</summary>
    public IReadOnlyList<CacheRecord> Records => records;

    /// <summary>What is wrong with the file.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>Reads <paramref name="path"/> without a lock (Dovecot appends under its own lock; a torn tail shows as a problem).</summary>
    public static CacheFile Read(string path)
    {
        using var handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[Math.Min(RandomAccess.GetLength(handle), MaxFileSize)];
        int read = 0;
        int n;
        while (read < buffer.Length && (n = RandomAccess.Read(handle, buffer.AsSpan(read), read)) > 0)
        {
            read += n;
        }

        return Parse(read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray(), path);
    }

    /// <summary>Parses cache file content (the array is kept, not copied).</summary>
    public static CacheFile Parse(byte[] content, string file)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Parse(new ReadOnlyMemory<byte>(content), file);
    }

    /// <summary>
    /// Parses cache file content held in memory without copying it; field data (<see cref="Bytes"/>) stays a view over
    /// <paramref name="content"/>, which must stay valid as long as this object is used.
    /// </summary>
    public static CacheFile Parse(ReadOnlyMemory<byte> content, string file)
    {
        var cache = new CacheFile(content, file);
        cache.ParseAll();
        return cache;
    }

    /// <summary>The file field index of <paramref name="name"/> (case-insensitive, as Dovecot's hdr.* names), or -1.</summary>
    public int FieldIndex(string name) => fieldsByName.TryGetValue(name, out int index) ? index : -1;

    /// <summary>The fields stored in one record (no chain), in record order; problems go to <see cref="Problems"/>.</summary>
    public IReadOnlyList<CacheFieldData> RecordFields(CacheRecord record)
    {
        var found = new List<CacheFieldData>();
        WalkRecord(record, -1, found);
        return found;
    }

    /// <summary>
    /// Finds field <paramref name="name"/> for the message whose newest record is at <paramref name="recordOffset"/>,
    /// following prev_offset to older records.
    /// </summary>
    public CacheFieldData? Lookup(uint recordOffset, string name)
    {
        int index = FieldIndex(name);
        if (index < 0)
        {
            return null;
        }

        foreach (CacheRecord record in Chain(recordOffset))
        {
            var found = new List<CacheFieldData>(1);
            WalkRecord(record, index, found);
            if (found.Count > 0)
            {
                return found[0];
            }
        }

        return null;
    }

    /// <summary>The bytes of a field's data.</summary>
    public ReadOnlySpan<byte> Bytes(CacheFieldData field) => data.Span.Slice(field.DataOffset, field.Length);

    /// <summary>Cached <c>flags</c> (MAIL_* bits; the bitmask ORed over the record chain), or null.</summary>
    public uint? Flags(uint recordOffset)
    {
        int index = FieldIndex("flags");
        if (index < 0)
        {
            return null;
        }

        uint? flags = null;
        foreach (CacheRecord record in Chain(recordOffset))
        {
            var found = new List<CacheFieldData>();
            WalkRecord(record, index, found);
            foreach (CacheFieldData item in found)
            {
                ReadOnlySpan<byte> bytes = Bytes(item);
                uint bits = 0;
                for (int i = 0; i < bytes.Length && i < 4; i++)
                {
                    bits |= (uint)bytes[i] << (8 * i);
                }

                flags = (flags ?? 0) | bits;
            }
        }

        return flags;
    }

    /// <summary>Cached <c>date.received</c>, or null.</summary>
    public DateTimeOffset? DateReceived(uint recordOffset) => UnixTime(Lookup(recordOffset, "date.received"));

    /// <summary>Cached <c>date.save</c>, or null.</summary>
    public DateTimeOffset? DateSaved(uint recordOffset) => UnixTime(Lookup(recordOffset, "date.save"));

    /// <summary>Cached <c>date.sent</c> (u32 time, i32 timezone in minutes), or null.</summary>
    public DateTimeOffset? DateSent(uint recordOffset)
    {
        CacheFieldData? field = Lookup(recordOffset, "date.sent");
        if (field is not { Length: >= 8 } found)
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = Bytes(found);
        uint time = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        int zone = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        if (zone is < -24 * 60 or > 24 * 60)
        {
            zone = 0;
        }

        return DateTimeOffset.FromUnixTimeSeconds(time).ToOffset(TimeSpan.FromMinutes(zone));
    }

    /// <summary>Cached <c>size.virtual</c>, or null.</summary>
    public ulong? VirtualSize(uint recordOffset) => Number(Lookup(recordOffset, "size.virtual"));

    /// <summary>Cached <c>size.physical</c>, or null.</summary>
    public ulong? PhysicalSize(uint recordOffset) => Number(Lookup(recordOffset, "size.physical"));

    /// <summary>Cached header lines of <c>hdr.&lt;name&gt;</c> as raw text (<c>Subject: ...\n</c>; empty if the message has none), or null.</summary>
    public string? HeaderLines(uint recordOffset, string headerName)
    {
        CacheFieldData? field = Lookup(recordOffset, "hdr." + headerName);
        if (field is not { } found)
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = Bytes(found);
        int i = 0;
        while (i + 4 <= bytes.Length && BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]) != 0)
        {
            i += 4;
        }

        i += 4;
        return i >= bytes.Length ? string.Empty : Encoding.UTF8.GetString(bytes[i..]);
    }

    /// <summary>The value of the first header in raw header lines: after the colon, unfolded, trimmed (doveadm's hdr.* output).</summary>
    public static string HeaderValue(string lines)
    {
        int colon = lines.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return string.Empty;
        }

        var value = new StringBuilder();
        foreach (string part in lines[(colon + 1)..].Split('\n'))
        {
            if (value.Length > 0 && part.Length > 0 && part[0] != ' ' && part[0] != '\t')
            {
                break; // next header
            }

            value.Append(part.TrimEnd('\r'));
        }

        return value.ToString().Trim();
    }

    private IEnumerable<CacheRecord> Chain(uint offset)
    {
        uint previous = uint.MaxValue;
        while (offset != 0)
        {
            if (offset >= previous)
            {
                // Records are appended: an older record lies before the newer one. Anything else would loop.
                Add(offset, "CacheRecordChainLoops", "record list is circular");
                yield break;
            }

            if (!TryRecord(offset, out CacheRecord record))
            {
                yield break;
            }

            yield return record;
            previous = offset;
            offset = record.PrevOffset;
        }
    }

    private bool TryRecord(uint offset, out CacheRecord record)
    {
        record = default;
        if (offset % 4 != 0)
        {
            Add(offset, "CacheRecordOffsetInvalid", "invalid record offset");
            return false;
        }

        if ((long)offset + 8 > data.Length)
        {
            Add(offset, "CacheRecordOutside", "record points outside file");
            return false;
        }

        uint size = BinaryPrimitives.ReadUInt32LittleEndian(data.Span[((int)offset + 4)..]);
        if (size < 8)
        {
            Add(offset, "CacheRecordSizeInvalid", "invalid record size");
            return false;
        }

        if (offset + (long)size > data.Length)
        {
            Add(offset, "CacheRecordOutside", "record points outside file");
            return false;
        }

        record = new CacheRecord(offset, BinaryPrimitives.ReadUInt32LittleEndian(data.Span[(int)offset..]), size);
        return true;
    }

    /// <summary>Walks one record's fields; collects those equal to <paramref name="wanted"/> (or all for -1).</summary>
    private bool WalkRecord(CacheRecord record, int wanted, List<CacheFieldData> found)
    {
        ReadOnlySpan<byte> rec = data.Span.Slice((int)record.Offset, (int)record.Size);
        int pos = 8;
        while (pos + 4 <= rec.Length)
        {
            uint fileField = BinaryPrimitives.ReadUInt32LittleEndian(rec[pos..]);
            if (fileField >= (uint)fields.Count)
            {
                Add(record.Offset + pos, "CacheFieldIndexInvalid", "field index too large (" + fileField + " >= " + fields.Count + ")");
                return false;
            }

            CacheField field = fields[(int)fileField];
            uint size = field.Size;
            pos += 4;
            if (field.IsVariable)
            {
                if (pos + 4 > rec.Length)
                {
                    Add(record.Offset + pos, "CacheRecordOverflow", "record continues outside its allocated size");
                    return false;
                }

                size = BinaryPrimitives.ReadUInt32LittleEndian(rec[pos..]);
                pos += 4;
            }

            if (size > (uint)(rec.Length - pos))
            {
                Add(record.Offset + pos, "CacheRecordOverflow", "record continues outside its allocated size");
                return false;
            }

            if (wanted < 0 || wanted == (int)fileField)
            {
                found.Add(new CacheFieldData((int)fileField, (int)record.Offset + pos, (int)size));
            }

            pos += (int)Math.Min(Align4(size), (uint)(rec.Length - pos));
        }

        if (pos != rec.Length)
        {
            Add(record.Offset, "CacheRecordSizeInvalid", "record has invalid size");
            return false;
        }

        return true;
    }

    private void ParseAll()
    {
        if (data.Length < CacheHeader.Size)
        {
            Add(0, "CacheFileTooSmall", "File too small");
            return;
        }

        CacheHeader header = CacheHeader.Read(data.Span);
        Header = header;
        if (header.MajorVersion != CacheHeader.SupportedMajorVersion)
        {
            Add(CacheHeader.Offsets.MajorVersion, "CacheUnsupportedMajorVersion", "Unsupported major version (" + header.MajorVersion + ")");
            return;
        }

        if (header.CompatSizeofUoffT != 8)
        {
            Add(CacheHeader.Offsets.CompatSizeofUoffT, "CacheUnsupportedUoffSize", "Unsupported uoff_t size (" + header.CompatSizeofUoffT + ")");
            return;
        }

        if (header.FileSeq == 0)
        {
            Add(CacheHeader.Offsets.FileSeq, "CacheFileSeqZero", "file_seq is 0");
        }

        if (!ReadFieldHeaders(header))
        {
            return;
        }

        WalkRecords();
    }

    private bool ReadFieldHeaders(CacheHeader header)
    {
        uint offset = 0;
        uint next = header.FieldHeaderOffset;
        long where = CacheHeader.Offsets.FieldHeaderOffset;
        while (next != 0)
        {
            if (next == offset)
            {
                Add(where, "CacheFieldHeaderLoops", "next_offset in field header loops");
                return false;
            }

            if (next < offset && header.MinorVersion != 0)
            {
                Add(where, "CacheFieldHeaderDecreases", "next_offset in field header decreases");
                return false;
            }

            // Old (minor 0) files may go backwards; a hop bound stops loops there too.
            if (next < offset && fieldHeaders.Count > data.Length / FieldHeaderFixedSize)
            {
                Add(where, "CacheFieldHeaderLoops", "next_offset in field header loops");
                return false;
            }

            offset = next;
            if ((long)offset + FieldHeaderFixedSize > data.Length)
            {
                Add(where, "CacheFieldHeaderOutside", "header field next_offset points outside file");
                return false;
            }

            ReadOnlySpan<byte> block = data.Span[(int)offset..];
            next = CacheHeader.DecodeOffset(block);
            fieldHeaders.Add(new CacheFieldHeaderBlock(
                offset,
                BinaryPrimitives.ReadUInt32LittleEndian(block[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(block[8..]),
                next));
            where = offset;
        }

        if (offset == 0)
        {
            Add(CacheHeader.Offsets.FieldHeaderOffset, "CacheFieldHeaderMissing", "missing header fields");
            return false;
        }

        CacheFieldHeaderBlock latest = fieldHeaders[^1];
        uint count = latest.FieldsCount;
        if (count > int.MaxValue / 10 || latest.Size < FieldHeaderFixedSize + 10L * count)
        {
            Add(latest.Offset + 4, "CacheFieldHeaderSizeInvalid", "invalid field header size");
            return false;
        }

        if (latest.Offset + (long)latest.Size > data.Length)
        {
            Add(latest.Offset + 4, "CacheFieldHeaderOutside", "header field size outside file");
            return false;
        }

        int n = (int)count;
        int start = (int)latest.Offset;
        int lastUsed = start + FieldHeaderFixedSize;
        int sizes = lastUsed + (4 * n);
        int types = sizes + (4 * n);
        int decisions = types + n;
        int names = decisions + n;
        int end = start + (int)latest.Size;
        for (int i = 0; i < n; i++)
        {
            int found = data.Span[names..end].IndexOf((byte)0);
            int nul = found < 0 ? -1 : names + found;
            if (nul < 0 || nul == names)
            {
                Add(names, "CacheFieldNamesCorrupted", "field header names corrupted");
                return false;
            }

            byte type = data.Span[types + i];
            if (type > (byte)CacheFieldType.Header + 1)
            {
                Add(types + i, "CacheFieldTypeCorrupted", "field type corrupted");
                return false;
            }

            byte decision = data.Span[decisions + i];
            if ((decision & 0x7f) > (byte)CacheDecision.Yes)
            {
                Add(decisions + i, "CacheFieldDecisionCorrupted", "field decision type corrupted");
                return false;
            }

            string name = Encoding.UTF8.GetString(data.Span[names..nul]);
            fields.Add(new CacheField(
                i,
                name,
                (CacheFieldType)type,
                BinaryPrimitives.ReadUInt32LittleEndian(data.Span[(sizes + (4 * i))..]),
                (CacheDecision)(decision & 0x7f),
                (decision & 0x80) != 0,
                BinaryPrimitives.ReadUInt32LittleEndian(data.Span[(lastUsed + (4 * i))..])));
            fieldsByName.TryAdd(name, i);
            names = nul + 1;
        }

        return true;
    }

    private void WalkRecords()
    {
        var blocks = new Dictionary<uint, uint>();
        foreach (CacheFieldHeaderBlock block in fieldHeaders)
        {
            blocks[block.Offset] = block.Size;
        }

        long pos = CacheHeader.Size;
        while (pos + 8 <= data.Length)
        {
            if (blocks.TryGetValue((uint)pos, out uint blockSize))
            {
                if (blockSize < FieldHeaderFixedSize)
                {
                    Add(pos + 4, "CacheFieldHeaderSizeInvalid", "invalid field header size");
                    return;
                }

                pos += Align4(blockSize);
                continue;
            }

            if (!TryRecord((uint)pos, out CacheRecord record))
            {
                return;
            }

            records.Add(record);
            WalkRecord(record, -2, new List<CacheFieldData>(0));
            pos += Align4(record.Size);
        }

        if (pos < data.Length)
        {
            Add(pos, "CacheTrailingGarbage", "Unexpected garbage at EOF");
        }
    }

    private static long Align4(uint size) => ((long)size + 3) & ~3L;

    private DateTimeOffset? UnixTime(CacheFieldData? field)
    {
        ulong? seconds = Number(field);
        return seconds is { } value && value <= 253402300799UL ? DateTimeOffset.FromUnixTimeSeconds((long)value) : null;
    }

    private ulong? Number(CacheFieldData? field)
    {
        if (field is not { } f || f.Length is not (4 or 8))
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = Bytes(f);
        return f.Length == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    private void Add(long offset, string code, string message) => problems.Add(new IndexProblem(File, offset, code, message));
}
