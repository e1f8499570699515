using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>
/// The extension headers between the base header and the records, read and checked as Dovecot maps them
/// (mail-index-map-read.c), and the keyword names the <c>keywords</c> extension holds.
/// </summary>
public sealed partial class IndexFile
{
    private bool ReadExtensions()
    {
        IndexHeader h = Header;
        long offset = Align8(h.BaseHeaderSize);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; offset < h.HeaderSize; i++)
        {
            if (offset + IndexExtensionFields.Name >= h.HeaderSize)
            {
                Problem(offset, "IndexExtensionOutsideHeader", "Header extension #" + N(i) + " () goes outside header");
                return false;
            }

            ReadOnlySpan<byte> e = data.Span[(int)offset..];
            uint hdrSize = BinaryPrimitives.ReadUInt32LittleEndian(e[IndexExtensionFields.HeaderDataSize..]);
            uint resetId = BinaryPrimitives.ReadUInt32LittleEndian(e[IndexExtensionFields.ResetId..]);
            ushort recOffset = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.RecordOffset..]);
            ushort recSize = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.RecordSize..]);
            ushort recAlign = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.RecordAlign..]);
            ushort nameSize = BinaryPrimitives.ReadUInt16LittleEndian(e[IndexExtensionFields.NameSize..]);
            long dataOffset = offset + Align8(IndexExtensionFields.Name + nameSize);
            if (dataOffset > h.HeaderSize)
            {
                Problem(offset, "IndexExtensionOutsideHeader", "Header extension #" + N(i) + " () goes outside header");
                return false;
            }

            string name = Encoding.ASCII.GetString(e.Slice(IndexExtensionFields.Name, nameSize));
            if (dataOffset + hdrSize > h.HeaderSize)
            {
                Problem(offset, "IndexExtensionOutsideHeader", "Header extension #" + N(i) + " (" + name + ") goes outside header");
                return false;
            }

            string? error = CheckExtension(hdrSize, recOffset, recSize, recAlign, name);
            if (error != null)
            {
                Problem(offset, "IndexExtensionBroken", "Broken extension #" + N(i) + " (" + name + "): " + error);
                return false;
            }

            if (!names.Add(name))
            {
                Problem(offset, "IndexExtensionDuplicate", "Duplicate header extension " + name);
                return false;
            }

            var ext = new IndexExtension(name, dataOffset, data.Span.Slice((int)dataOffset, (int)hdrSize).ToArray(), resetId, recOffset, recSize, recAlign);
            extensions.Add(ext);
            if (name == "keywords")
            {
                KeywordsExtension = ext;
                ReadKeywords(ext);
            }

            offset = Align8(dataOffset + hdrSize);
        }

        return true;
    }

    private string? CheckExtension(uint hdrSize, ushort recOffset, ushort recSize, ushort recAlign, string name)
    {
        if (hdrSize == 0 && recSize == 0)
        {
            return "Invalid header/record size";
        }

        if (name.Length == 0 || name.Length >= IndexExtensionFields.MaxNameLength)
        {
            return "Invalid name length";
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' || c == ' '))
            {
                return "Invalid name";
            }
        }

        if (recSize > 0)
        {
            if (recAlign == 0 || recAlign > 8)
            {
                return "Record field alignmentation " + N(recAlign) + " not supported";
            }

            if (recOffset + recSize > Header.RecordSize)
            {
                return "Record field points outside record size (" + N(Header.RecordSize) + " < " + N(recOffset) + "+" + N(recSize) + ")";
            }

            if (recOffset % recAlign != 0)
            {
                return "Record field alignment " + N(recAlign) + " not used";
            }

            if (Header.RecordSize % recAlign != 0)
            {
                return "Record size not aligned by " + N(recAlign) + " as required by extension";
            }
        }

        if (hdrSize > IndexExtensionFields.MaxHeaderSize)
        {
            return "Headersize too large (" + N(hdrSize) + ")";
        }

        return null;
    }

    private void ReadKeywords(IndexExtension ext)
    {
        ReadOnlySpan<byte> hdr = ext.Header.Span;
        if (hdr.Length < 4)
        {
            Problem(ext.HeaderOffset, "IndexKeywordsHeader", "keywords_count larger than header size");
            return;
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(hdr);
        long namesStart = 4 + (8L * count);
        if (namesStart > hdr.Length)
        {
            Problem(ext.HeaderOffset, "IndexKeywordsHeader", "keywords_count larger than header size");
            return;
        }

        ReadOnlySpan<byte> area = hdr[(int)namesStart..];
        if (count > 0 && (area.Length == 0 || area[^1] != 0))
        {
            Problem(ext.HeaderOffset + namesStart, "IndexKeywordsHeader", "Keyword header doesn't end with NUL");
            return;
        }

        int pos = 0;
        for (int i = 0; i < count; i++)
        {
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(hdr[(4 + (8 * i) + 4)..]);
            if (nameOffset > area.Length)
            {
                Problem(ext.HeaderOffset + 4 + (8 * i), "IndexKeywordsHeader", "name_offset points outside allocated header");
                return;
            }

            if (nameOffset != pos || pos >= area.Length)
            {
                Problem(ext.HeaderOffset + 4 + (8 * i), "IndexKeywordsHeader", "Keyword name_offset " + N(nameOffset) + " != " + N(pos));
                return;
            }

            int end = area[pos..].IndexOf((byte)0);
            keywords.Add(Encoding.UTF8.GetString(area.Slice(pos, end)));
            pos += end + 1;
        }
    }

    private static long Align8(long value) => (value + 7) & ~7L;
}
