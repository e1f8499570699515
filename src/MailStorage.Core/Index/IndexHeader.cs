using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace MailStorage.Core.Index;

/// <summary>Byte offsets of the fields of <c>struct mail_index_header</c> (mail-index.h), all little endian.</summary>
internal static class IndexHeaderFields
{
    public const int MajorVersion = 0;
    public const int MinorVersion = 1;
    public const int BaseHeaderSize = 2;
    public const int HeaderSize = 4;
    public const int RecordSize = 8;
    public const int CompatFlags = 12;
    public const int IndexId = 16;
    public const int Flags = 20;
    public const int UidValidity = 24;
    public const int NextUid = 28;
    public const int MessagesCount = 32;
    public const int UnusedOldRecentMessagesCount = 36;
    public const int SeenMessagesCount = 40;
    public const int DeletedMessagesCount = 44;
    public const int FirstRecentUid = 48;
    public const int FirstUnseenUidLowwater = 52;
    public const int FirstDeletedUidLowwater = 56;
    public const int LogFileSeq = 60;
    public const int LogFileTailOffset = 64;
    public const int LogFileHeadOffset = 68;
    public const int UnusedOldSyncSizePart1 = 72;
    public const int Log2RotateTime = 76;
    public const int LastTempFileScan = 80;
    public const int DayStamp = 84;
    public const int DayFirstUid = 88;
    public const int DayFirstUidCount = 8;

    /// <summary>sizeof(struct mail_index_header) and MAIL_INDEX_HEADER_MIN_SIZE.</summary>
    public const int Size = 120;

    /// <summary>sizeof(struct mail_index_record): u32 uid, u8 flags, padding.</summary>
    public const int MinRecordSize = 8;

    /// <summary>MAIL_INDEX_MAJOR_VERSION.</summary>
    public const byte SupportedMajorVersion = 7;

    /// <summary>MAIL_INDEX_COMPAT_LITTLE_ENDIAN.</summary>
    public const byte CompatLittleEndian = 0x01;

    /// <summary>MAIL_INDEX_HDR_FLAG_CORRUPTED.</summary>
    public const uint FlagCorrupted = 0x01;
}

/// <summary>
/// The base header of <c>dovecot.index</c> (<c>struct mail_index_header</c>, 120 bytes). Fields a shorter
/// base header did not have read as 0, as Dovecot does.
/// </summary>
public sealed class IndexHeader
{
    private readonly uint[] dayFirstUid = new uint[IndexHeaderFields.DayFirstUidCount];

    private IndexHeader()
    {
    }

    /// <summary>major_version (7).</summary>
    public byte MajorVersion { get; private set; }

    /// <summary>minor_version (3).</summary>
    public byte MinorVersion { get; private set; }

    /// <summary>base_header_size: size of the base header when written (120).</summary>
    public ushort BaseHeaderSize { get; private set; }

    /// <summary>header_size: base header plus extension header area; records start here.</summary>
    public uint HeaderSize { get; private set; }

    /// <summary>record_size: bytes per record.</summary>
    public uint RecordSize { get; private set; }

    /// <summary>compat_flags (0x01 little endian).</summary>
    public byte CompatFlags { get; private set; }

    /// <summary>indexid: creation time, shared with the log and cache.</summary>
    public uint IndexId { get; private set; }

    /// <summary>flags: 0x01 corrupted, 0x02 have dirty, 0x04 fsckd.</summary>
    public uint Flags { get; private set; }

    /// <summary>uid_validity.</summary>
    public uint UidValidity { get; internal set; }

    /// <summary>next_uid.</summary>
    public uint NextUid { get; internal set; }

    /// <summary>messages_count.</summary>
    public uint MessagesCount { get; internal set; }

    /// <summary>unused_old_recent_messages_count.</summary>
    public uint UnusedOldRecentMessagesCount { get; private set; }

    /// <summary>seen_messages_count.</summary>
    public uint SeenMessagesCount { get; internal set; }

    /// <summary>deleted_messages_count.</summary>
    public uint DeletedMessagesCount { get; internal set; }

    /// <summary>first_recent_uid.</summary>
    public uint FirstRecentUid { get; private set; }

    /// <summary>first_unseen_uid_lowwater.</summary>
    public uint FirstUnseenUidLowwater { get; private set; }

    /// <summary>first_deleted_uid_lowwater.</summary>
    public uint FirstDeletedUidLowwater { get; private set; }

    /// <summary>log_file_seq: the .log sequence the index is synced to.</summary>
    public uint LogFileSeq { get; private set; }

    /// <summary>log_file_tail_offset: the mailbox is synced up to here.</summary>
    public uint LogFileTailOffset { get; private set; }

    /// <summary>log_file_head_offset: the index contains the log up to here.</summary>
    public uint LogFileHeadOffset { get; private set; }

    /// <summary>unused_old_sync_size_part1.</summary>
    public uint UnusedOldSyncSize { get; private set; }

    /// <summary>log2_rotate_time (formerly unused_old_sync_size_part2; 0xFFFFFFFF = no .log.2).</summary>
    public uint Log2RotateTime { get; private set; }

    /// <summary>last_temp_file_scan (formerly unused_old_sync_stamp).</summary>
    public uint LastTempFileScan { get; private set; }

    /// <summary>day_stamp.</summary>
    public uint DayStamp { get; private set; }

    /// <summary>day_first_uid[8].</summary>
    public IReadOnlyList<uint> DayFirstUid => dayFirstUid;

    /// <summary>
    /// Reads the base header from the start of <paramref name="data"/>. Bytes missing at the end (a short file or a
    /// smaller base_header_size) read as 0; the caller reports the size problem.
    /// </summary>
    public static IndexHeader Read(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[IndexHeaderFields.Size];
        buffer.Clear();
        int available = Math.Min(data.Length, IndexHeaderFields.Size);
        if (available >= 4)
        {
            // A base header written shorter than ours: the fields past it are 0.
            int baseSize = BinaryPrimitives.ReadUInt16LittleEndian(data[IndexHeaderFields.BaseHeaderSize..]);
            if (baseSize >= IndexHeaderFields.HeaderSize + 4 && baseSize < available)
            {
                available = baseSize;
            }
        }

        data[..available].CopyTo(buffer);
        return FromBytes(buffer);
    }

    /// <summary>Reads a full 120-byte base header buffer.</summary>
    internal static IndexHeader FromBytes(ReadOnlySpan<byte> b)
    {
        var h = new IndexHeader
        {
            MajorVersion = b[IndexHeaderFields.MajorVersion],
            MinorVersion = b[IndexHeaderFields.MinorVersion],
            BaseHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(b[IndexHeaderFields.BaseHeaderSize..]),
            HeaderSize = U32(b, IndexHeaderFields.HeaderSize),
            RecordSize = U32(b, IndexHeaderFields.RecordSize),
            CompatFlags = b[IndexHeaderFields.CompatFlags],
            IndexId = U32(b, IndexHeaderFields.IndexId),
            Flags = U32(b, IndexHeaderFields.Flags),
            UidValidity = U32(b, IndexHeaderFields.UidValidity),
            NextUid = U32(b, IndexHeaderFields.NextUid),
            MessagesCount = U32(b, IndexHeaderFields.MessagesCount),
            UnusedOldRecentMessagesCount = U32(b, IndexHeaderFields.UnusedOldRecentMessagesCount),
            SeenMessagesCount = U32(b, IndexHeaderFields.SeenMessagesCount),
            DeletedMessagesCount = U32(b, IndexHeaderFields.DeletedMessagesCount),
            FirstRecentUid = U32(b, IndexHeaderFields.FirstRecentUid),
            FirstUnseenUidLowwater = U32(b, IndexHeaderFields.FirstUnseenUidLowwater),
            FirstDeletedUidLowwater = U32(b, IndexHeaderFields.FirstDeletedUidLowwater),
            LogFileSeq = U32(b, IndexHeaderFields.LogFileSeq),
            LogFileTailOffset = U32(b, IndexHeaderFields.LogFileTailOffset),
            LogFileHeadOffset = U32(b, IndexHeaderFields.LogFileHeadOffset),
            UnusedOldSyncSize = U32(b, IndexHeaderFields.UnusedOldSyncSizePart1),
            Log2RotateTime = U32(b, IndexHeaderFields.Log2RotateTime),
            LastTempFileScan = U32(b, IndexHeaderFields.LastTempFileScan),
            DayStamp = U32(b, IndexHeaderFields.DayStamp),
        };
        for (int i = 0; i < IndexHeaderFields.DayFirstUidCount; i++)
        {
            h.dayFirstUid[i] = U32(b, IndexHeaderFields.DayFirstUid + (4 * i));
        }

        return h;
    }

    private static uint U32(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]);
}
