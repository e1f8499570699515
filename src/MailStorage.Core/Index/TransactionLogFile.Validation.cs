using System;
using System.Buffers.Binary;
using System.Globalization;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>
/// Dovecot's checks of one record's payload by its type (log_view_is_record_valid in mail-transaction-log-view.c): a
/// record that fails is kept, marked invalid, and skipped by replay.
/// </summary>
public sealed partial class TransactionLogFile
{
    private static string? Validate(TransactionLogRecordType raw, ReadOnlySpan<byte> payload)
    {
        var code = CodeOf(raw);
        var masked = raw & TransactionLogRecordType.TypeMask;
        if ((code == TransactionLogRecordType.Expunge || code == TransactionLogRecordType.ExpungeGuid) &&
            (masked & TransactionLogRecordType.ExpungeProtection) != TransactionLogRecordType.ExpungeProtection)
        {
            return "expunge record missing protection mask";
        }

        if (payload.Length == 0 && code != TransactionLogRecordType.IndexDeleted && code != TransactionLogRecordType.IndexUndeleted)
        {
            return "Empty record contents (type 0x" + ((uint)raw).ToString("x", CultureInfo.InvariantCulture) + ")";
        }

        switch (code)
        {
            case TransactionLogRecordType.Append:
                return payload.Length % 8 != 0 ? "Invalid append record size" : null;
            case TransactionLogRecordType.Expunge:
            case TransactionLogRecordType.KeywordReset:
                return payload.Length % 8 != 0 ? "Invalid record size" : CheckUidRanges(payload, 8);
            case TransactionLogRecordType.FlagUpdate:
                return payload.Length % 12 != 0 ? "Invalid flag update record size" : CheckUidRanges(payload, 12);
            case TransactionLogRecordType.ExpungeGuid:
                if (payload.Length % 20 != 0)
                {
                    return "Invalid expunge-guid record size";
                }

                for (int i = 0; i < payload.Length; i += 20)
                {
                    if (BinaryPrimitives.ReadUInt32LittleEndian(payload[i..]) == 0)
                    {
                        return "Expunge-guid record with uid=0";
                    }
                }

                return null;
            case TransactionLogRecordType.KeywordUpdate:
                if (payload.Length < 4)
                {
                    return "Invalid keyword update record size";
                }

                int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]);
                int rangesAt = (4 + nameSize + 3) & ~3;
                if (nameSize == 0 || rangesAt > payload.Length)
                {
                    return "Trying to use empty keyword or keyword name overflows record";
                }

                return (payload.Length - rangesAt) % 8 != 0 ? "Invalid keyword update record size" : CheckUidRanges(payload[rangesAt..], 8);
            case TransactionLogRecordType.Boundary:
                return payload.Length < 4 ? "Invalid boundary record size" : null;
            case TransactionLogRecordType.HeaderUpdate:
                return CheckHeaderUpdates(payload);
            case TransactionLogRecordType.ExtIntro:
                if (payload.Length < ExtIntroFields.Size)
                {
                    return "Invalid ext intro record size";
                }

                int extNameSize = ExtIntroRecord.ReadNameSize(payload);
                return ExtIntroFields.Size + extNameSize > payload.Length ? "Ext intro name too long" : null;
            default:
                return null;
        }
    }

    private static string? CheckUidRanges(ReadOnlySpan<byte> ranges, int stride)
    {
        uint previous = 0;
        for (int i = 0; i + 8 <= ranges.Length; i += stride)
        {
            uint uid1 = BinaryPrimitives.ReadUInt32LittleEndian(ranges[i..]);
            uint uid2 = BinaryPrimitives.ReadUInt32LittleEndian(ranges[(i + 4)..]);
            if (uid1 > uid2 || uid1 == 0)
            {
                return "Invalid UID range (" + N(uid1) + " .. " + N(uid2) + ")";
            }

            if (i > 0 && uid1 <= previous)
            {
                return "Non-sorted UID ranges";
            }

            previous = uid2;
        }

        return null;
    }

    private static string? CheckHeaderUpdates(ReadOnlySpan<byte> payload)
    {
        int pos = 0;
        while (pos < payload.Length)
        {
            if (pos + 4 > payload.Length)
            {
                return "Invalid header update record size";
            }

            int size = BinaryPrimitives.ReadUInt16LittleEndian(payload[(pos + 2)..]);
            pos += 4 + size;
            if (pos > payload.Length)
            {
                return "Header update outside record";
            }

            pos = (pos + 3) & ~3;
        }

        return null;
    }
}
