using System;
using System.Buffers.Binary;

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
