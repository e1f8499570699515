using System;
using System.Buffers.Binary;

namespace MailStorage.Core.Index;

/// <summary>Byte offsets of <c>struct mail_transaction_log_header</c> (mail-transaction-log.h), little endian.</summary>
internal static class TransactionLogHeaderFields
{
    public const int MajorVersion = 0;
    public const int MinorVersion = 1;
    public const int HeaderSize = 2;
    public const int IndexId = 4;
    public const int FileSeq = 8;
    public const int PrevFileSeq = 12;
    public const int PrevFileOffset = 16;
    public const int CreateStamp = 20;
    public const int InitialModseq = 24;
    public const int CompatFlags = 32;

    /// <summary>sizeof(struct mail_transaction_log_header).</summary>
    public const int Size = 40;

    /// <summary>MAIL_TRANSACTION_LOG_HEADER_MIN_SIZE.</summary>
    public const int MinSize = 24;

    /// <summary>MAIL_TRANSACTION_LOG_MAJOR_VERSION.</summary>
    public const byte SupportedMajorVersion = 1;
}

/// <summary>The 40-byte header of <c>dovecot.index.log</c>; fields past a shorter hdr_size read as 0.</summary>
public sealed class TransactionLogHeader
{
    private TransactionLogHeader()
    {
    }

    /// <summary>major_version (1).</summary>
    public byte MajorVersion { get; private set; }

    /// <summary>minor_version (3).</summary>
    public byte MinorVersion { get; private set; }

    /// <summary>hdr_size: where the first record starts (40).</summary>
    public ushort HeaderSize { get; private set; }

    /// <summary>indexid (0 = marked corrupted).</summary>
    public uint IndexId { get; private set; }

    /// <summary>file_seq.</summary>
    public uint FileSeq { get; private set; }

    /// <summary>prev_file_seq.</summary>
    public uint PrevFileSeq { get; private set; }

    /// <summary>prev_file_offset.</summary>
    public uint PrevFileOffset { get; private set; }

    /// <summary>create_stamp (unix time).</summary>
    public uint CreateStamp { get; private set; }

    /// <summary>initial_modseq.</summary>
    public ulong InitialModseq { get; private set; }

    /// <summary>compat_flags (0x01 little endian).</summary>
    public byte CompatFlags { get; private set; }

    /// <summary>Reads the header from the start of <paramref name="data"/> (missing bytes read as 0).</summary>
    public static TransactionLogHeader Read(ReadOnlySpan<byte> data)
    {
        Span<byte> b = stackalloc byte[TransactionLogHeaderFields.Size];
        b.Clear();
        int available = Math.Min(data.Length, TransactionLogHeaderFields.Size);
        if (available >= 4)
        {
            int hdrSize = BinaryPrimitives.ReadUInt16LittleEndian(data[TransactionLogHeaderFields.HeaderSize..]);
            if (hdrSize >= TransactionLogHeaderFields.MinSize && hdrSize < available)
            {
                available = hdrSize;
            }
        }

        data[..available].CopyTo(b);
        return new TransactionLogHeader
        {
            MajorVersion = b[TransactionLogHeaderFields.MajorVersion],
            MinorVersion = b[TransactionLogHeaderFields.MinorVersion],
            HeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(b[TransactionLogHeaderFields.HeaderSize..]),
            IndexId = BinaryPrimitives.ReadUInt32LittleEndian(b[TransactionLogHeaderFields.IndexId..]),
            FileSeq = BinaryPrimitives.ReadUInt32LittleEndian(b[TransactionLogHeaderFields.FileSeq..]),
            PrevFileSeq = BinaryPrimitives.ReadUInt32LittleEndian(b[TransactionLogHeaderFields.PrevFileSeq..]),
            PrevFileOffset = BinaryPrimitives.ReadUInt32LittleEndian(b[TransactionLogHeaderFields.PrevFileOffset..]),
            CreateStamp = BinaryPrimitives.ReadUInt32LittleEndian(b[TransactionLogHeaderFields.CreateStamp..]),
            InitialModseq = BinaryPrimitives.ReadUInt64LittleEndian(b[TransactionLogHeaderFields.InitialModseq..]),
            CompatFlags = b[TransactionLogHeaderFields.CompatFlags],
        };
    }
}
