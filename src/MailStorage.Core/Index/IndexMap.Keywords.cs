using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace MailStorage.Core.Index;

/// <summary>
/// Keywords: names kept in the <c>keywords</c> extension's header, one bit per name in each record
/// (mail-index-sync-keywords.c).
/// </summary>
public sealed partial class IndexMap
{
    /// <summary>mail_index_sync_keywords(): adds the name to the keywords header if new, then sets or clears its bit.</summary>
    private void KeywordUpdate(ReadOnlySpan<byte> p)
    {
        bool remove = p[0] != 0;
        int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(p[2..]);
        string name = Encoding.UTF8.GetString(p.Slice(4, nameSize));
        int index = keywords.IndexOf(name);
        if (index < 0)
        {
            index = AddKeyword(name);
        }

        IndexMapExtension? ext = FindExtension(KeywordsExtensionName);
        if (ext == null || index < 0)
        {
            return;
        }

        if (index / 8 >= ext.RecordSize)
        {
            if (remove)
            {
                return;
            }

            RegisterKeywords(ext, ext.HeaderSize);
        }

        int byteIndex = index / 8;
        byte mask = (byte)(1 << (index % 8));
        for (int i = (4 + nameSize + 3) & ~3; i + 8 <= p.Length; i += 8)
        {
            (int first, int end) = Find(BinaryPrimitives.ReadUInt32LittleEndian(p[i..]), BinaryPrimitives.ReadUInt32LittleEndian(p[(i + 4)..]));
            RaiseModseqs(first, end);
            for (int k = first; k < end; k++)
            {
                byte[]? old = records[k].Field(ext.Id);
                if (remove && (old == null || old.Length <= byteIndex))
                {
                    continue;
                }

                var bits = new byte[Math.Max(old?.Length ?? 0, byteIndex + 1)];
                old?.CopyTo(bits, 0);
                bits[byteIndex] = remove ? (byte)(bits[byteIndex] & ~mask) : (byte)(bits[byteIndex] | mask);
                Changeable(k).SetField(ext.Id, bits, file, recordOffset);
            }
        }
    }

    private void KeywordReset(ReadOnlySpan<byte> p)
    {
        IndexMapExtension? ext = FindExtension(KeywordsExtensionName);
        if (ext == null)
        {
            return;
        }

        for (int i = 0; i + 8 <= p.Length; i += 8)
        {
            (int first, int end) = Find(BinaryPrimitives.ReadUInt32LittleEndian(p[i..]), BinaryPrimitives.ReadUInt32LittleEndian(p[(i + 4)..]));
            RaiseModseqs(first, end);
            for (int k = first; k < end; k++)
            {
                Changeable(k).SetField(ext.Id, null, file, recordOffset);
            }
        }
    }

    /// <summary>keywords_header_add(): the header is rebuilt with one more name, growing the extension when needed.</summary>
    private int AddKeyword(string name)
    {
        keywords.Add(name);
        byte[] built = KeywordsHeader(keywords);
        IndexMapExtension? ext = FindExtension(KeywordsExtensionName);
        if (ext == null || built.Length > ext.HeaderSize || ext.RecordSize * 8 < keywords.Count)
        {
            // Dovecot leaves room for a few more names.
            uint hdrSize = (uint)built.Length + 128;
            ext = RegisterKeywords(ext, hdrSize);
            if (ext == null)
            {
                keywords.RemoveAt(keywords.Count - 1);
                return -1;
            }
        }

        ext.ReplaceHeader(built);
        ext.WrittenAt(file, recordOffset);
        return keywords.Count - 1;
    }

    /// <summary>keywords_ext_register(): an internal introduction sized for the keywords known now.</summary>
    private IndexMapExtension? RegisterKeywords(IndexMapExtension? ext, uint hdrSize)
    {
        int recordSize = (keywords.Count + 7) / 8;
        if (recordSize % 4 != 0)
        {
            // Dovecot reserves one byte more when the field is not aligned anyway.
            recordSize++;
        }

        byte[] name = Encoding.ASCII.GetBytes(KeywordsExtensionName);
        var intro = new byte[ExtIntroFields.Size + name.Length];
        new ExtIntroRecord(
            ext == null ? ExtIntroFields.NewExtension : (uint)ext.Id,
            ext?.ResetId ?? 0,
            hdrSize,
            (ushort)Math.Min(recordSize, ushort.MaxValue),
            RecordAlign: 1,
            Flags: 0,
            (ushort)(ext == null ? name.Length : 0)).Write(intro);
        name.CopyTo(intro, ExtIntroFields.Size);
        IndexMapExtension? saved = current;
        bool savedIgnore = currentIgnore;
        bool savedBroken = currentBroken;
        int savedSize = currentRecordSize;
        bool ok = Intro(intro.AsSpan(0, ext == null ? intro.Length : ExtIntroFields.Size), internalUpdate: true);
        IndexMapExtension? result = ok ? current : null;
        (current, currentIgnore, currentBroken, currentRecordSize) = (saved, savedIgnore, savedBroken, savedSize);
        return result;
    }

    /// <summary>struct mail_index_keyword_header: count, {unused, name_offset} per name, the names NUL-terminated, padded to 4.</summary>
    private static byte[] KeywordsHeader(List<string> names)
    {
        var nameBytes = new List<byte>();
        var offsets = new int[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            offsets[i] = nameBytes.Count;
            nameBytes.AddRange(Encoding.UTF8.GetBytes(names[i]));
            nameBytes.Add(0);
        }

        int size = 4 + (8 * names.Count) + nameBytes.Count;
        var built = new byte[(size + 3) & ~3];
        BinaryPrimitives.WriteUInt32LittleEndian(built, (uint)names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(built.AsSpan(4 + (8 * i) + 4), (uint)offsets[i]);
        }

        nameBytes.CopyTo(built, 4 + (8 * names.Count));
        return built;
    }
}
