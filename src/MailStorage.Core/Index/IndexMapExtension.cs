using System;

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

    /// <summary>A copy for a map continued from this one's (header data copied: the continuation may change it).</summary>
    internal IndexMapExtension Clone() =>
        new(Id, Name, ResetId, HeaderSize, RecordSize, RecordAlign, (byte[])header.Clone(), HeaderFile, HeaderOffset);

    /// <summary>Drops the bytes from <paramref name="length"/> on (they become zero again).</summary>
    internal void CutHeader(long length)
    {
        if (header.Length > length)
        {
            Array.Resize(ref header, (int)Math.Max(0, length));
        }
    }
}
