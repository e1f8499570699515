using System;
using System.Buffers.Binary;

namespace MailStorage.Core.Index;

/// <summary>
/// The 32-byte header of <c>dovecot.index.cache</c> (struct mail_cache_header). Integers are native (little) endian
/// except <see cref="FieldHeaderOffset"/>, which is in lib-index's offset encoding.
/// </summary>
public sealed record CacheHeader(
    byte MajorVersion,
    byte CompatSizeofUoffT,
    byte MinorVersion,
    uint IndexId,
    uint FileSeq,
    uint ContinuedRecordCount,
    uint RecordCount,
    uint BackwardsCompatUsedFileSize,
    uint DeletedRecordCount,
    uint FieldHeaderOffset)
{
    /// <summary>Size of the header.</summary>
    public const int Size = 32;

    /// <summary>The only major version Dovecot 2.3 reads.</summary>
    public const byte SupportedMajorVersion = 1;

    /// <summary>Named offsets of the header fields.</summary>
    public static class Offsets
    {
        /// <summary>major_version (u8).</summary>
        public const int MajorVersion = 0;

        /// <summary>compat_sizeof_uoff_t (u8).</summary>
        public const int CompatSizeofUoffT = 1;

        /// <summary>minor_version (u8).</summary>
        public const int MinorVersion = 2;

        /// <summary>indexid (u32).</summary>
        public const int IndexId = 4;

        /// <summary>file_seq (u32).</summary>
        public const int FileSeq = 8;

        /// <summary>continued_record_count (u32).</summary>
        public const int ContinuedRecordCount = 12;

        /// <summary>record_count (u32).</summary>
        public const int RecordCount = 16;

        /// <summary>backwards_compat_used_file_size (u32).</summary>
        public const int BackwardsCompatUsedFileSize = 20;

        /// <summary>deleted_record_count (u32).</summary>
        public const int DeletedRecordCount = 24;

        /// <summary>field_header_offset (offset-encoded u32).</summary>
        public const int FieldHeaderOffset = 28;
    }

    /// <summary>Reads the header from the first 32 bytes of <paramref name="data"/> (caller checks the length).</summary>
    public static CacheHeader Read(ReadOnlySpan<byte> data) => new(
        data[Offsets.MajorVersion],
        data[Offsets.CompatSizeofUoffT],
        data[Offsets.MinorVersion],
        BinaryPrimitives.ReadUInt32LittleEndian(data[Offsets.IndexId..]),
        BinaryPrimitives.ReadUInt32LittleEndian(data[Offsets.FileSeq..]),
        BinaryPrimitives.ReadUInt32LittleEndian(data[Offsets.ContinuedRecordCount..]),
        BinaryPrimitives.ReadUInt32LittleEndian(data[Offsets.RecordCount..]),
        BinaryPrimitives.ReadUInt32LittleEndian(data[Offsets.BackwardsCompatUsedFileSize..]),
        BinaryPrimitives.ReadUInt32LittleEndian(data[Offsets.DeletedRecordCount..]),
        DecodeOffset(data[Offsets.FieldHeaderOffset..]));

    /// <summary>
    /// Decodes lib-index's offset encoding (mail_index_offset_to_uint32): four big-endian bytes, each with bit 7 set,
    /// carrying 7 bits of value>>2; 0 when any bit 7 is clear (not written yet).
    /// </summary>
    public static uint DecodeOffset(ReadOnlySpan<byte> fourBytes)
    {
        uint x = BinaryPrimitives.ReadUInt32BigEndian(fourBytes);
        if ((x & 0x80808080) != 0x80808080)
        {
            return 0;
        }

        return ((x & 0x7f) | (((x >> 8) & 0x7f) << 7) | (((x >> 16) & 0x7f) << 14) | (((x >> 24) & 0x7f) << 21)) << 2;
    }
}
