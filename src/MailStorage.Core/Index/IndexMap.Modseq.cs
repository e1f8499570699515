using System;
using System.Buffers.Binary;

namespace MailStorage.Core.Index;

/// <summary>
/// Modification sequences (CONDSTORE): the log counts changes from each file's initial_modseq
/// (mail_transaction_update_modseq in mail-transaction-log-file.c); once the <c>modseq</c> extension exists, every
/// message remembers the count of the last change to it (mail-index-modseq.c).
/// </summary>
public sealed partial class IndexMap
{
    /// <summary>1.3: internal flag updates (dirty, backend bits) no longer count as changes.</summary>
    private const int HideInternalModseqsVersion = (1 << 8) | 3;

    // The modseq of the log record read last, and whether records carry modseqs (the extension exists).
    private ulong logModseq;
    private bool modseqTracking;

    /// <summary>
    /// The highest modseq: the <c>modseq</c> extension header's value once modseqs are enabled, otherwise the count of
    /// changes in the newest log (<c>doveadm mailbox status highestmodseq</c>).
    /// </summary>
    public ulong HighestModseq
    {
        get
        {
            IndexMapExtension? ext = modseqTracking ? FindExtension(ModseqExtensionName) : null;
            ulong highest = ext == null ? 0 : HeaderUInt64(ext, 0);
            return highest != 0 ? highest : logModseq;
        }
    }

    /// <summary>Whether messages carry their own modseq (the <c>modseq</c> extension exists).</summary>
    public bool HasModseqs => modseqTracking;

    /// <summary>
    /// The modseq of <paramref name="record"/>, as <c>doveadm fetch modseq</c> reports it: its own once modseqs are
    /// enabled (the highest one while it has none yet), otherwise the log's.
    /// </summary>
    public ulong ModseqOf(IndexMapRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        IndexMapExtension? ext = modseqTracking ? FindExtension(ModseqExtensionName) : null;
        if (ext == null)
        {
            return Math.Max(logModseq, 1);
        }

        ulong own = record.ExtensionUInt64(ext, 0);
        return own != 0 ? own : HighestModseq;
    }

    private static ulong HeaderUInt64(IndexMapExtension ext, int offset)
    {
        ReadOnlySpan<byte> data = ext.Header;
        Span<byte> value = stackalloc byte[8];
        value.Clear();
        if (offset < data.Length)
        {
            data.Slice(offset, Math.Min(8, data.Length - offset)).CopyTo(value);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(value);
    }

    private void CountModseq(TransactionLogRecord record, int version)
    {
        if (!record.IsValid)
        {
            return;
        }

        ReadOnlySpan<byte> p = record.Payload;
        if (logModseq == 0)
        {
            // Old logs start counting when the modseq extension is introduced.
            if (record.Type == TransactionLogRecordType.ExtIntro && p.Length >= ExtIntroFields.Size)
            {
                int nameSize = ExtIntroRecord.ReadNameSize(p);
                if (nameSize == ModseqExtensionName.Length && ExtIntroFields.Size + nameSize <= p.Length &&
                    p.Slice(ExtIntroFields.Size, nameSize).SequenceEqual("modseq"u8))
                {
                    logModseq = 1;
                }
            }

            return;
        }

        switch (record.Type)
        {
            case TransactionLogRecordType.Expunge:
            case TransactionLogRecordType.ExpungeGuid:
                logModseq += record.IsExternal ? 1UL : 0UL;
                break;
            case TransactionLogRecordType.Append:
            case TransactionLogRecordType.KeywordUpdate:
            case TransactionLogRecordType.KeywordReset:
            case TransactionLogRecordType.AttributeUpdate:
                logModseq++;
                break;
            case TransactionLogRecordType.FlagUpdate:
                bool visible = version < HideInternalModseqsVersion;
                for (int i = 0; !visible && i + 12 <= p.Length; i += 12)
                {
                    visible = ((p[i + 8] | p[i + 9]) & (byte)MailIndexFlags.SystemFlags) != 0 || p[i + 10] != 0;
                }

                logModseq += visible ? 1UL : 0UL;
                break;
            case TransactionLogRecordType.ModseqUpdate:
                for (int i = 0; i + 12 <= p.Length; i += 12)
                {
                    logModseq = Math.Max(logModseq, ModseqAt(p[(i + 4)..]));
                }

                break;
            default:
                break;
        }
    }

    private static ulong ModseqAt(ReadOnlySpan<byte> lowHigh) =>
        BinaryPrimitives.ReadUInt32LittleEndian(lowHigh) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(lowHigh[4..]) << 32);

    /// <summary>mail_index_modseq_update_to_highest(): the records changed now get the current log modseq.</summary>
    private void RaiseModseqs(int first, int end)
    {
        IndexMapExtension? ext = modseqTracking ? FindExtension(ModseqExtensionName) : null;
        if (ext == null || ext.RecordSize < 8)
        {
            return;
        }

        for (int k = first; k < end; k++)
        {
            if (records[k].ExtensionUInt64(ext, 0) < logModseq)
            {
                SetModseq(Changeable(k), ext, logModseq);
            }
        }
    }

    private void SetModseq(IndexMapRecord record, IndexMapExtension ext, ulong modseq)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, modseq);
        record.SetField(ext.Id, data, file, recordOffset);
    }

    private void ModseqUpdates(ReadOnlySpan<byte> p)
    {
        IndexMapExtension? ext = modseqTracking ? FindExtension(ModseqExtensionName) : null;
        for (int i = 0; i + 12 <= p.Length; i += 12)
        {
            uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
            int position = uid == 0 ? -1 : PositionOf(uid);
            if (position < 0)
            {
                continue;
            }

            if (ext == null || ext.RecordSize < 8)
            {
                Corrupted("MapModseqsNotEnabled", "modseqs updated before they were enabled");
                return;
            }

            ulong wanted = ModseqAt(p[(i + 4)..]);
            if (records[position].ExtensionUInt64(ext, 0) <= wanted)
            {
                SetModseq(Changeable(position), ext, wanted);
            }
        }
    }

    /// <summary>The index already had the modseq extension: its records carry modseqs from the start.</summary>
    private void StartModseqFromIndex() => modseqTracking = FindExtension(ModseqExtensionName) != null;

    /// <summary>
    /// mail_index_modseq_sync_init() when modseqs get enabled: the header written says the highest modseq so far,
    /// and every message without a modseq gets it (none of the older changes can be higher).
    /// </summary>
    private void StartModseqFromHeader()
    {
        if (modseqTracking)
        {
            return;
        }

        modseqTracking = true;
        IndexMapExtension? ext = FindExtension(ModseqExtensionName);
        if (ext == null || ext.RecordSize < 8)
        {
            return;
        }

        ulong initial = HeaderUInt64(ext, 0);
        initial = initial != 0 ? initial : Math.Max(logModseq, 1);
        for (int k = 0; k < records.Count; k++)
        {
            if (records[k].ExtensionUInt64(ext, 0) == 0)
            {
                SetModseq(Changeable(k), ext, initial);
            }
        }
    }

    /// <summary>mail_index_modseq_update_header(): the header moves to the end of the replayed log.</summary>
    private void FinishModseq()
    {
        IndexMapExtension? ext = modseqTracking ? FindExtension(ModseqExtensionName) : null;
        if (ext == null || ext.HeaderSize < 16 || LogPosition.FileSeq == 0)
        {
            return;
        }

        uint seq = (uint)(HeaderUInt64(ext, 8) & 0xffffffff);
        uint offset = (uint)(HeaderUInt64(ext, 8) >> 32);
        if (seq < LogPosition.FileSeq || (seq == LogPosition.FileSeq && offset < LogPosition.Offset))
        {
            var data = new byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(data, logModseq);
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), LogPosition.FileSeq);
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)LogPosition.Offset);
            ext.WriteHeader(0, data);
            ext.WrittenAt(file, recordOffset);
        }
    }
}
