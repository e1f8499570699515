using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// Reads <c>/proc/self/mountinfo</c> (proc(5)) and finds the mount a path is on. Lines have the form
/// <c>id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions</c>; spaces,
/// tabs, newlines and backslashes inside fields are written as octal escapes (<c>\040</c>, <c>\011</c>,
/// <c>\012</c>, <c>\134</c>).
/// </summary>
public static class MountInfo
{
    /// <summary>This process's mount table.</summary>
    public const string DefaultPath = "/proc/self/mountinfo";

    /// <summary>Reads and parses this process's mount table.</summary>
    public static IReadOnlyList<MountInfoEntry> ReadCurrent() => Parse(File.ReadAllText(DefaultPath), DefaultPath);

    /// <summary>
    /// Parses mountinfo text. A malformed line is an <see cref="InvalidDataException"/> naming
    /// <paramref name="origin"/>, the line and what is wrong with it.
    /// </summary>
    public static IReadOnlyList<MountInfoEntry> Parse(string text, string origin = DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<MountInfoEntry>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length > 0)
            {
                entries.Add(ParseLine(line, i + 1, origin));
            }
        }

        return entries;
    }

    /// <summary>
    /// The mount <paramref name="resolvedPath"/> is on: the entry with the longest mount point that contains it and
    /// that no later mount hides, the last one when several are stacked on the same point. Matching is by path
    /// prefix, not by <c>st_dev</c>: btrfs subvolumes report a device number mountinfo does not list. Null when no
    /// entry contains the path.
    /// </summary>
    /// <param name="entries">The mount table, in the kernel's order.</param>
    /// <param name="resolvedPath">An absolute path with symbolic links resolved (realpath).</param>
    public static MountInfoEntry? FindMount(IReadOnlyList<MountInfoEntry> entries, string resolvedPath)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(resolvedPath);
        MountInfoEntry? best = null;
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!entry.Contains(resolvedPath) || IsHidden(entries, i))
            {
                continue;
            }

            // Longer mount point wins; on a tie the later entry (mounted on top) wins.
            if (best == null || entry.MountPoint.Length >= best.MountPoint.Length)
            {
                best = entry;
            }
        }

        return best;
    }

    /// <summary>Undoes the kernel's octal escapes (<c>\040</c> is a space).</summary>
    public static string Unescape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.IndexOf('\\', StringComparison.Ordinal) < 0)
        {
            return field;
        }

        // The escapes stand for bytes; names are UTF-8.
        var bytes = new List<byte>(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                bytes.Add((byte)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    // A mount is hidden when a later mount sits on its mount point or on a folder above it without being one of
    // its ancestors (mounting over /a hides an earlier /a/b).
    private static bool IsHidden(IReadOnlyList<MountInfoEntry> entries, int index)
    {
        var entry = entries[index];
        HashSet<int>? ancestors = null;
        for (int j = index + 1; j < entries.Count; j++)
        {
            var later = entries[j];
            if (!later.Contains(entry.MountPoint) || later.MountPoint.Length > entry.MountPoint.Length)
            {
                continue;
            }

            ancestors ??= Ancestors(entries, entry);
            if (!ancestors.Contains(later.MountId))
            {
                return true;
            }
        }

        return false;
    }

    private static HashSet<int> Ancestors(IReadOnlyList<MountInfoEntry> entries, MountInfoEntry entry)
    {
        var byId = new Dictionary<int, MountInfoEntry>();
        foreach (var e in entries)
        {
            byId[e.MountId] = e;
        }

        var result = new HashSet<int>();
        var current = entry;
        while (current.ParentId != current.MountId && result.Add(current.ParentId) && byId.TryGetValue(current.ParentId, out var parent))
        {
            current = parent;
        }

        return result;
    }

    private static MountInfoEntry ParseLine(string line, int number, string origin)
    {
        // Fields are separated by single spaces; an empty source shows as two spaces, so empty fields are kept.
        string[] fields = line.Split(' ');
        int separator = Array.IndexOf(fields, "-", 6);
        if (fields.Length < 10 || separator < 0)
        {
            throw Malformed(origin, number, "expected 'id parent major:minor root mountpoint options [optional...] - fstype source superoptions'", line);
        }

        if (fields.Length - separator - 1 < 3)
        {
            throw Malformed(origin, number, "expected fstype, source and superoptions after ' - '", line);
        }

        if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int id) ||
            !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent))
        {
            throw Malformed(origin, number, "mount id and parent id must be numbers", line);
        }

        if (fields[2].IndexOf(':', StringComparison.Ordinal) < 0)
        {
            throw Malformed(origin, number, "device must be major:minor, not '" + fields[2] + "'", line);
        }

        var optional = new List<string>();
        for (int i = 6; i < separator; i++)
        {
            optional.Add(fields[i]);
        }

        // The superoptions are the last field; a source never holds an unescaped space, so anything more is kept
        // in the superoptions rather than lost.
        string superOptions = string.Join(" ", fields, separator + 3, fields.Length - separator - 3);
        return new MountInfoEntry(
            id,
            parent,
            fields[2],
            Unescape(fields[3]),
            Unescape(fields[4]),
            SplitOptions(fields[5]),
            optional,
            Unescape(fields[separator + 1]),
            Unescape(fields[separator + 2]),
            SplitOptions(superOptions),
            number);
    }

    private static List<string> SplitOptions(string field)
    {
        var options = new List<string>();
        foreach (var option in field.Split(','))
        {
            if (option.Length > 0)
            {
                options.Add(Unescape(option));
            }
        }

        return options;
    }

    private static bool IsOctal(char c) => c >= '0' && c <= '7';

    private static InvalidDataException Malformed(string origin, int line, string reason, string text) =>
        new InvalidDataException(origin + ":" + line + ": " + reason + ": " + text);
}
