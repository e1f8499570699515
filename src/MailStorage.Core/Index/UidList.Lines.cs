using System;
using System.Collections.Generic;
using System.Text;

namespace MailStorage.Core.Index;

/// <summary>
/// The one place that takes a uidlist apart: lines (with their numbers, offsets and raw bytes), the header's shape and
/// tokens, and a record line's UID, extension fields and file name. <see cref="Parse"/> judges what it finds as
/// Dovecot does; <see cref="Salvage"/> keeps every line, parsed or not, for the repair's rebuild to judge.
/// </summary>
public sealed partial class UidList
{
    /// <summary>
    /// Every line of <paramref name="data"/>, in file order, each parsed as a record where it is one (the header is
    /// not, unless it is missing and line 1 is a record); nothing about order, duplicates or next_uid is judged.
    /// </summary>
    internal static UidListSalvage Salvage(ReadOnlySpan<byte> data)
    {
        var lines = new List<UidListSalvage.Line>();
        UidListHeader? header = null;
        string? firstLine = null;
        foreach (RawLine raw in SplitLines(data))
        {
            string text = Encoding.UTF8.GetString(data.Slice(raw.Offset, raw.Length));
            if (raw.Number == 1)
            {
                firstLine = text;
                header = UidListHeader.Parse(text);
                if (header != null)
                {
                    continue;
                }
            }

            // Without a header (version 0), lines are read as version 3 lines: extensions before the ':'.
            RecordFields fields = ParseFields(text, withExtensions: header?.Version != 1);
            byte[] bytes = data.Slice(raw.Offset, raw.Length).ToArray();
            string? reason = !fields.HasUid ? "not a uid and a file name"
                : fields.Uid >= uint.MaxValue ? "UID too high"
                : fields.FileName.Length == 0 ? "no file name"
                : fields.FileName.Contains('/', StringComparison.Ordinal) || UidListHeader.HasControl(fields.FileName) ? "broken file name"
                : null;

            // The invalid extension fields of a line that is unparsed for its UID were never looked at.
            IReadOnlyList<string> invalid = fields.HasUid && fields.Uid < uint.MaxValue ? fields.InvalidExtensions.ConvertAll(e => e.Token) : Array.Empty<string>();
            UidListRecord? record = reason == null ? new UidListRecord((uint)fields.Uid, fields.FileName, fields.Extensions, raw.Number, raw.Offset) : null;
            lines.Add(new UidListSalvage.Line(raw.Number, raw.Offset, bytes, text, raw.Terminated, record, reason, invalid));
        }

        return new UidListSalvage(header, firstLine, lines);
    }

    /// <summary>The lines of <paramref name="data"/>; the last is unterminated when the file does not end in LF.</summary>
    private static List<RawLine> SplitLines(ReadOnlySpan<byte> data)
    {
        var lines = new List<RawLine>();
        int position = 0;
        while (position < data.Length)
        {
            int newline = data[position..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                lines.Add(new RawLine(lines.Count + 1, position, data.Length - position, false));
                break;
            }

            lines.Add(new RawLine(lines.Count + 1, position, newline, true));
            position += newline + 1;
        }

        return lines;
    }

    /// <summary>
    /// A record line's fields as maildir-uidlist.c's maildir_uidlist_next reads them: digits (saturated at
    /// uint.MaxValue rather than wrapped), a space, spaces, then (version 3) extension tokens up to a ':', then the
    /// file name.
    /// </summary>
    private static RecordFields ParseFields(string line, bool withExtensions)
    {
        int i = 0;
        ulong uid = 0;
        while (i < line.Length && line[i] >= '0' && line[i] <= '9')
        {
            uid = Math.Min((uid * 10) + (ulong)(line[i] - '0'), uint.MaxValue);
            i++;
        }

        var fields = new RecordFields { Uid = uid };
        if (uid == 0 || i >= line.Length || line[i] != ' ')
        {
            fields.Rest = line[i..];
            return fields;
        }

        fields.HasUid = true;
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        if (withExtensions)
        {
            while (i < line.Length && line[i] != ':')
            {
                int start = i;
                while (i < line.Length && line[i] != ' ')
                {
                    i++;
                }

                string token = line[start..i];
                if (token[0] >= 'A' && token[0] <= 'Z')
                {
                    fields.Extensions.Add(token);
                }
                else
                {
                    fields.InvalidExtensions.Add((start, token));
                }

                while (i < line.Length && line[i] == ' ')
                {
                    i++;
                }
            }

            if (i < line.Length && line[i] == ':')
            {
                i++;
            }
        }

        fields.NameStart = i;
        fields.FileName = line[i..];
        return fields;
    }

    /// <summary>Where a line is: 1-based number, byte offset and length (without the LF).</summary>
    private readonly record struct RawLine(int Number, int Offset, int Length, bool Terminated);

    private sealed class RecordFields
    {
        public ulong Uid { get; init; }

        /// <summary>A UID other than 0 and the space after it: the line is a record in shape.</summary>
        public bool HasUid { get; set; }

        /// <summary>What follows the digits when <see cref="HasUid"/> is false.</summary>
        public string Rest { get; set; } = string.Empty;

        public List<string> Extensions { get; } = new();

        public List<(int Start, string Token)> InvalidExtensions { get; } = new();

        public int NameStart { get; set; }

        public string FileName { get; set; } = string.Empty;
    }
}
