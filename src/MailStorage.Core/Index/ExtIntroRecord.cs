using System;
using System.Buffers.Binary;

namespace MailStorage.Core.Index;

/// <summary>
/// Byte offsets of <c>struct mail_transaction_ext_intro</c> (mail-transaction-log.h), little endian; the name
/// (name_size bytes, no NUL) follows the fixed part. The one definition the log checker, the map's sync and the
/// verification's cache-reset lookup share, so the layout cannot drift between them.
/// </summary>
internal static class ExtIntroFields
{
    public const int ExtId = 0;
    public const int ResetId = 4;
    public const int HeaderSize = 8;
    public const int RecordSize = 12;
    public const int RecordAlign = 14;
    public const int Flags = 16;
    public const int NameSize = 18;

    /// <summary>sizeof(struct mail_transaction_ext_intro): where the name starts.</summary>
    public const int Size = 20;

    /// <summary>ext_id (uint32_t)-1: the intro names a new extension instead of pointing at one by id.</summary>
    public const uint NewExtension = uint.MaxValue;

    /// <summary>MAIL_TRANSACTION_EXT_INTRO_FLAG_NO_SHRINK.</summary>
    public const ushort FlagNoShrink = 0x01;
}

/// <summary>The fixed part of one <c>mail_transaction_ext_intro</c>, read from or written to its layout.</summary>
internal readonly record struct ExtIntroRecord(uint ExtId, uint ResetId, uint HeaderSize, ushort RecordSize, ushort RecordAlign, ushort Flags, ushort NameSize)
{
    /// <summary>Reads the fixed part; <paramref name="intro"/> must hold at least <see cref="ExtIntroFields.Size"/> bytes.</summary>
    public static ExtIntroRecord Read(ReadOnlySpan<byte> intro) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(intro[ExtIntroFields.ExtId..]),
        BinaryPrimitives.ReadUInt32LittleEndian(intro[ExtIntroFields.ResetId..]),
        BinaryPrimitives.ReadUInt32LittleEndian(intro[ExtIntroFields.HeaderSize..]),
        BinaryPrimitives.ReadUInt16LittleEndian(intro[ExtIntroFields.RecordSize..]),
        BinaryPrimitives.ReadUInt16LittleEndian(intro[ExtIntroFields.RecordAlign..]),
        BinaryPrimitives.ReadUInt16LittleEndian(intro[ExtIntroFields.Flags..]),
        BinaryPrimitives.ReadUInt16LittleEndian(intro[ExtIntroFields.NameSize..]));

    /// <summary>name_size of the intro at the start of <paramref name="intro"/> (at least <see cref="ExtIntroFields.Size"/> bytes).</summary>
    public static int ReadNameSize(ReadOnlySpan<byte> intro) => BinaryPrimitives.ReadUInt16LittleEndian(intro[ExtIntroFields.NameSize..]);

    /// <summary>Writes the fixed part to the start of <paramref name="intro"/> (at least <see cref="ExtIntroFields.Size"/> bytes).</summary>
    public void Write(Span<byte> intro)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(intro[ExtIntroFields.ExtId..], ExtId);
        BinaryPrimitives.WriteUInt32LittleEndian(intro[ExtIntroFields.ResetId..], ResetId);
        BinaryPrimitives.WriteUInt32LittleEndian(intro[ExtIntroFields.HeaderSize..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(intro[ExtIntroFields.RecordSize..], RecordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(intro[ExtIntroFields.RecordAlign..], RecordAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(intro[ExtIntroFields.Flags..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(intro[ExtIntroFields.NameSize..], NameSize);
    }
}
