using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>Applying transaction log records to the map, the way mail-index-sync-update.c and its helpers do.</summary>
public sealed partial class IndexMap
{
    /// <summary>MAIL_INDEX_EXT_KEYWORDS.</summary>
    internal const string KeywordsExtensionName = "keywords";

    /// <summary>MAIL_INDEX_MODSEQ_EXT_NAME.</summary>
    internal const string ModseqExtensionName = "modseq";


    // The extension the last introduction selected (mail_index_sync_map_ctx's cur_ext_*).
    private IndexMapExtension? current;
    private bool currentIgnore;
    private bool currentBroken;
    private int currentRecordSize;

    // The file and record being applied, for problems.
    private string file = string.Empty;
    private long recordOffset;

    /// <summary>Applies the records of <paramref name="log"/> from offset <paramref name="from"/> on.</summary>
    private void SyncFile(TransactionLogFile log, long from)
    {
        logModseq = log.Header.InitialModseq;
        SyncRecords(log, 0, from);
    }

    /// <summary>
    /// Applies the records of <paramref name="log"/> from record number <paramref name="first"/> on, those at
    /// <paramref name="from"/> or later; counts the modseqs of all of them.
    /// </summary>
    private void SyncRecords(TransactionLogFile log, int first, long from)
    {
        file = log.File;
        int version = (log.Header.MajorVersion << 8) | log.Header.MinorVersion;
        TransactionLogFile.RecordList all = log.Records;
        for (int i = first; i < all.Count; i++)
        {
            TransactionLogRecord record = all[i];

            // Modseqs count every change from the start of the file, also the ones the index already holds.
            CountModseq(record, version);
            if (record.Offset >= from && record.IsValid)
            {
                recordOffset = record.Offset;
                Apply(record);
            }
        }

        LogPosition = (log.Header.FileSeq, log.SyncOffset);
    }

    private void Corrupted(string code, string message) => Problem(file, recordOffset, code, message);

    private void Apply(TransactionLogRecord record)
    {
        ReadOnlySpan<byte> p = record.Payload;
        switch (record.Type)
        {
            case TransactionLogRecordType.Append:
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    if (!Append(BinaryPrimitives.ReadUInt32LittleEndian(p[i..]), (MailIndexFlags)p[i + 4]))
                    {
                        break;
                    }
                }

                break;
            case TransactionLogRecordType.FlagUpdate:
                for (int i = 0; i + 12 <= p.Length; i += 12)
                {
                    var add = (MailIndexFlags)p[i + 8];
                    var remove = (MailIndexFlags)p[i + 9];
                    (int first, int end) = Find(BinaryPrimitives.ReadUInt32LittleEndian(p[i..]), BinaryPrimitives.ReadUInt32LittleEndian(p[(i + 4)..]));
                    bool internalOnly = ((add | remove) & MailIndexFlags.SystemFlags) == 0 && p[i + 10] == 0;
                    if (!internalOnly)
                    {
                        RaiseModseqs(first, end);
                    }

                    for (int k = first; k < end; k++)
                    {
                        // Only a real change copies a record shared with an earlier map.
                        MailIndexFlags flags = (records[k].Flags & ~remove) | add;
                        if (flags != records[k].Flags)
                        {
                            Changeable(k).Flags = flags;
                        }
                    }
                }

                break;
            case TransactionLogRecordType.Expunge when record.IsExternal:
                // Requests (not external) are for the backend; the index drops mails only when they are gone.
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    (int first, int end) = Find(BinaryPrimitives.ReadUInt32LittleEndian(p[i..]), BinaryPrimitives.ReadUInt32LittleEndian(p[(i + 4)..]));
                    records.RemoveRange(first, end - first);
                }

                break;
            case TransactionLogRecordType.ExpungeGuid when record.IsExternal:
                for (int i = 0; i + 20 <= p.Length; i += 20)
                {
                    uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
                    (int first, int end) = Find(uid, uid);
                    records.RemoveRange(first, end - first);
                }

                break;
            case TransactionLogRecordType.HeaderUpdate:
                HeaderUpdate(p);
                break;
            case TransactionLogRecordType.ExtIntro:
                for (int i = 0; i + ExtIntroFields.Size <= p.Length;)
                {
                    int nameSize = ExtIntroRecord.ReadNameSize(p[i..]);
                    if (i + ExtIntroFields.Size + nameSize > p.Length)
                    {
                        Corrupted("MapExtIntroInvalid", "Ext intro name overflows the record");
                        break;
                    }

                    if (!Intro(p.Slice(i, ExtIntroFields.Size + nameSize), internalUpdate: false))
                    {
                        break;
                    }

                    i = (i + ExtIntroFields.Size + nameSize + 3) & ~3;
                }

                break;
            case TransactionLogRecordType.ExtReset:
                ExtReset(p);
                break;
            case TransactionLogRecordType.ExtHdrUpdate:
            case TransactionLogRecordType.ExtHdrUpdate32:
                ExtHeaderUpdates(p, record.Type == TransactionLogRecordType.ExtHdrUpdate32);
                break;
            case TransactionLogRecordType.ExtRecUpdate:
                ExtRecordUpdates(p);
                break;
            case TransactionLogRecordType.ExtAtomicInc:
                ExtAtomicIncrements(p);
                break;
            case TransactionLogRecordType.KeywordUpdate:
                KeywordUpdate(p);
                break;
            case TransactionLogRecordType.KeywordReset:
                KeywordReset(p);
                break;
            case TransactionLogRecordType.ModseqUpdate:
                ModseqUpdates(p);
                break;
            default:
                break;
        }
    }

    private bool Append(uint uid, MailIndexFlags flags)
    {
        // sync_append refuses a UID below next_uid, even one above the last message's: next_uid may have been raised
        // (mailbox update --min-next-uid), and such an append would reuse a UID. One at or below the last message's
        // can only pass with a next_uid that an index already got wrong; it is refused as well.
        uint last = records.Count > 0 ? records[^1].Uid : 0;
        if (uid < NextUid || uid <= last || uid == 0)
        {
            Corrupted("LogAppendUidNotAscending", "Append with UID " + N(uid) + ", but next_uid = " + N(Math.Max(NextUid, last + 1)));
            return false;
        }

        var record = new IndexMapRecord(uid, flags, file, recordOffset, this);
        records.Add(record);
        SetU32(IndexHeaderFields.NextUid, uid == uint.MaxValue ? uid : uid + 1);
        RaiseModseqs(records.Count - 1, records.Count);
        return true;
    }

    private void HeaderUpdate(ReadOnlySpan<byte> p)
    {
        uint oldNextUid = NextUid;
        uint oldTail = U32(IndexHeaderFields.LogFileTailOffset);
        int pos = 0;
        while (pos + 4 <= p.Length)
        {
            int offset = BinaryPrimitives.ReadUInt16LittleEndian(p[pos..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(p[(pos + 2)..]);
            if (pos + 4 + size > p.Length)
            {
                break;
            }

            if (offset >= baseHeaderSize || offset + size > baseHeaderSize)
            {
                Corrupted("MapHeaderUpdateOutside", "Header update outside range: " + N(offset) + " + " + N(size) + " > " + N(baseHeaderSize));
                return;
            }

            int inStruct = Math.Min(size, header.Length - offset);
            if (inStruct > 0)
            {
                p.Slice(pos + 4, inStruct).CopyTo(header.AsSpan(offset));
            }

            pos = (pos + 4 + size + 3) & ~3;
        }

        // A shrinking next_uid is ignored (a dsync race); tail offsets are the log's own business.
        if (NextUid < oldNextUid)
        {
            SetU32(IndexHeaderFields.NextUid, oldNextUid);
        }

        SetU32(IndexHeaderFields.LogFileTailOffset, oldTail);
    }

    /// <summary>mail_index_sync_ext_intro(): selects, creates or resizes an extension. False: stop this record.</summary>
    private bool Intro(ReadOnlySpan<byte> intro, bool internalUpdate)
    {
        (uint extId, uint resetId, uint hdrSize, ushort recordSize, ushort recordAlign, ushort flags, ushort nameSize) = ExtIntroRecord.Read(intro);

        // Until this introduction proves valid, the updates that follow it are ignored.
        current = null;
        currentIgnore = true;
        currentBroken = true;
        currentRecordSize = 0;
        if (extId != ExtIntroFields.NewExtension && extId >= extensions.Count)
        {
            Corrupted("MapExtIntroUnknownId", "Extension introduction for unknown id " + N(extId));
            return false;
        }

        if (extId == ExtIntroFields.NewExtension && nameSize == 0)
        {
            Corrupted("MapExtIntroNoName", "Extension introduction without id or name");
            return false;
        }

        IndexMapExtension? ext = extId != ExtIntroFields.NewExtension ? extensions[(int)extId] : null;
        string name = ext?.Name ?? Encoding.ASCII.GetString(intro.Slice(ExtIntroFields.Size, nameSize));
        ext ??= FindExtension(name);
        if (!internalUpdate && name == KeywordsExtensionName)
        {
            // Keywords are changed by keyword records only.
            Corrupted("MapExtIntroKeywords", "Extension introduction for keywords");
            return false;
        }

        string? error = CheckIntro(name, hdrSize, recordSize, recordAlign);
        if (error != null)
        {
            Corrupted("MapExtIntroBroken", "Broken extension introduction: " + error);
            return false;
        }

        currentBroken = false;
        currentRecordSize = recordSize;
        if (ext != null)
        {
            // A different reset_id: the transaction had not seen a reset; only a reset may follow.
            currentIgnore = resetId != ext.ResetId;
            if (!currentIgnore)
            {
                Resize(ext, hdrSize, recordSize, recordAlign, (flags & ExtIntroFields.FlagNoShrink) != 0);
            }

            current = ext;
            return true;
        }

        ext = new IndexMapExtension(extensions.Count, name, resetId, hdrSize, recordSize, recordAlign, [], file, recordOffset);
        extensions.Add(ext);
        currentIgnore = false;
        current = ext;
        return true;
    }

    private static string? CheckIntro(string name, uint hdrSize, ushort recordSize, ushort recordAlign)
    {
        if (recordSize == 0 && hdrSize == 0)
        {
            return "Invalid field values";
        }

        if (name.Length >= IndexExtensionFields.MaxNameLength)
        {
            return "Invalid name";
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != ' ')
            {
                return "Invalid name";
            }
        }

        if (recordSize != 0)
        {
            if (recordAlign == 0)
            {
                return "Record field alignment is zero";
            }

            if (recordAlign > 8)
            {
                return "Record alignment is too large";
            }

            if (recordSize >= IndexExtensionFields.MaxRecordSize)
            {
                return "Record size is too large";
            }
        }

        return hdrSize > IndexExtensionFields.MaxHeaderSize ? "Headersize too large (" + N(hdrSize) + ")" : null;
    }

    /// <summary>sync_ext_resize(): header and record sizes follow the introduction, shrinking only without NO_SHRINK.</summary>
    private void Resize(IndexMapExtension ext, uint hdrSize, ushort recordSize, ushort recordAlign, bool noShrink)
    {
        long oldPadded = Align8(ext.HeaderSize);
        long newPadded = Align8(hdrSize);
        if (ext.RecordAlign == recordAlign && ext.RecordSize == recordSize)
        {
            if (newPadded < oldPadded ? noShrink : ext.HeaderSize == hdrSize)
            {
                return;
            }
        }

        if (newPadded < oldPadded)
        {
            if (!noShrink)
            {
                ext.CutHeader(newPadded);
                ext.HeaderSize = hdrSize;
            }
        }
        else
        {
            // Growing inserts zeros after the old padded header.
            ext.CutHeader(oldPadded);
            ext.HeaderSize = hdrSize;
        }

        if (ext.RecordAlign < recordAlign || (ext.RecordAlign > recordAlign && !noShrink))
        {
            ext.RecordAlign = recordAlign;
        }

        if (ext.RecordSize < recordSize || (ext.RecordSize > recordSize && !noShrink))
        {
            if (recordSize < ext.RecordSize)
            {
                for (int k = 0; k < records.Count; k++)
                {
                    if (records[k].Field(ext.Id)?.Length > recordSize)
                    {
                        Changeable(k).ResizeField(ext.Id, recordSize);
                    }
                }
            }

            ext.RecordSize = recordSize;
        }
    }

    private void ExtReset(ReadOnlySpan<byte> p)
    {
        if (p.Length < 4)
        {
            Corrupted("MapExtResetInvalid", "ext reset: invalid record size");
            return;
        }

        if (current == null)
        {
            if (!currentBroken)
            {
                Corrupted("MapExtResetWithoutIntro", "Extension reset without intro prefix");
            }

            return;
        }

        current.ResetId = BinaryPrimitives.ReadUInt32LittleEndian(p);
        bool preserve = p.Length > 4 && p[4] != 0;
        if (!preserve)
        {
            current.ReplaceHeader([]);
            current.WrittenAt(file, recordOffset);
            for (int k = 0; k < records.Count; k++)
            {
                if (records[k].HasSlot(current.Id))
                {
                    Changeable(k).SetField(current.Id, null, file, recordOffset);
                }
            }
        }
    }

    private void ExtHeaderUpdates(ReadOnlySpan<byte> p, bool wide)
    {
        int fieldSize = wide ? 8 : 4;
        for (int i = 0; i < p.Length;)
        {
            long offset = wide ? BinaryPrimitives.ReadUInt32LittleEndian(p[i..]) : BinaryPrimitives.ReadUInt16LittleEndian(p[i..]);
            long size = i + fieldSize > p.Length ? long.MaxValue
                : wide ? BinaryPrimitives.ReadUInt32LittleEndian(p[(i + 4)..]) : BinaryPrimitives.ReadUInt16LittleEndian(p[(i + 2)..]);
            if (i + fieldSize > p.Length || i + fieldSize + size > p.Length)
            {
                Corrupted("MapExtHeaderUpdateInvalid", "ext hdr update: invalid record size");
                return;
            }

            if (current == null)
            {
                if (!currentBroken)
                {
                    Corrupted("MapExtHeaderUpdateWithoutIntro", "Extension header update without intro prefix");
                }

                return;
            }

            if (!currentIgnore)
            {
                if (offset + size > current.HeaderSize)
                {
                    Corrupted("MapExtHeaderUpdateOutside", "Extension header update points outside header size");
                    return;
                }

                current.WriteHeader(offset, p.Slice(i + fieldSize, (int)size));
                current.WrittenAt(file, recordOffset);
                if (current.Name == ModseqExtensionName)
                {
                    StartModseqFromHeader();
                }
            }

            i = (int)((i + fieldSize + size + 3) & ~3);
        }
    }

    /// <summary>
    /// Whether record updates of the selected extension apply: an introduction selected it (one without is corrupted,
    /// unless the introduction was already reported broken) and its reset_id matched.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(current))]
    private bool RecordUpdatesApply()
    {
        if (current == null)
        {
            if (!currentBroken)
            {
                Corrupted("MapExtRecordUpdateWithoutIntro", "Extension record updated without intro prefix");
            }

            return false;
        }

        return !currentIgnore;
    }

    private void ExtRecordUpdates(ReadOnlySpan<byte> p)
    {
        if (!RecordUpdatesApply())
        {
            return;
        }

        int stride = (4 + currentRecordSize + 3) & ~3;
        for (int i = 0; i < p.Length; i += stride)
        {
            if (i + stride > p.Length)
            {
                Corrupted("MapExtRecordUpdateInvalid", "ext rec update: invalid record size");
                return;
            }

            uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
            if (uid == 0 || uid >= NextUid)
            {
                Corrupted("MapExtRecordUpdateUid", "Extension record update for invalid uid=" + N(uid));
                return;
            }

            int position = PositionOf(uid);
            if (position >= 0)
            {
                // The update carries the size its writer knew; the rest of a grown field becomes zero.
                int size = Math.Min(currentRecordSize, (int)current.RecordSize);
                Changeable(position).SetField(current.Id, p.Slice(i + 4, size).ToArray(), file, recordOffset);
            }
        }
    }

    private void ExtAtomicIncrements(ReadOnlySpan<byte> p)
    {
        if (!RecordUpdatesApply())
        {
            return;
        }

        for (int i = 0; i + 8 <= p.Length; i += 8)
        {
            uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
            int diff = BinaryPrimitives.ReadInt32LittleEndian(p[(i + 4)..]);
            if (uid == 0 || uid >= NextUid)
            {
                Corrupted("MapExtAtomicIncUid", "Extension record inc for invalid uid=" + N(uid));
                return;
            }

            int position = PositionOf(uid);
            if (position < 0)
            {
                continue;
            }

            IndexMapRecord record = records[position];
            int size = currentRecordSize;
            if (size is not (1 or 2 or 4 or 8) || size > current.RecordSize)
            {
                Corrupted("MapExtAtomicIncSize", "Extension record inc with invalid size=" + N(size));
                return;
            }

            var data = new byte[size];
            record.Extension(current)[..Math.Min(size, record.Extension(current).Length)].CopyTo(data);
            ulong value = size switch
            {
                1 => data[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(data),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(data),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(data),
            };
            ulong max = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
            if (diff < 0 ? value < (ulong)-(long)diff : max - value < (ulong)diff)
            {
                Corrupted("MapExtAtomicIncRange", "Extension record inc " + (diff < 0 ? "drops number below zero" : "overflows number") + " (uid=" + N(uid) + ", diff=" + N(diff) + ", orig=" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
                return;
            }

            value = diff < 0 ? value - (ulong)-(long)diff : value + (ulong)diff;
            var full = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(full, value);
            Changeable(position).SetField(current.Id, full.AsSpan(0, size).ToArray(), file, recordOffset);
        }
    }
}
