using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MailStorage.Core.Index;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Repair;

/// <summary>
/// Rebuilds a broken Maildir <c>dovecot-uidlist</c> so that every message keeps its UID. Dovecot's own reaction to
/// any broken line is to delete the file and number the whole mailbox again (new UIDs for every message after the bad
/// line: clients must download everything again, and cached UIDs point at other messages). Here every line that parses
/// is kept with its UID and extension fields, garbage lines are dropped, duplicates are settled (a UID the index knows
/// wins), lines are put back in UID order, a last line cut before its newline is kept when it names a file that exists
/// (or, cut inside the file name, exactly one unlisted file starts with it), next_uid is set above every UID and the
/// index's next_uid, the header's UIDVALIDITY is kept (taken from dovecot.index when the header is broken), and only
/// files of cur/ and new/ that no line names get new UIDs, from next_uid on, in name order. Lines whose files are gone
/// are kept: Dovecot expunges them at its next sync, as it would have. A file that lost its line to another file with
/// the same UID gets back the one UID the index has and no line claims between the UIDs of the lines around its own,
/// if the index records the same virtual size for that UID as the file name carries (,W=); else a new UID.
/// </summary>
internal static class UidListRebuild
{
    /// <summary>What the rebuild works from.</summary>
    /// <param name="Content">The uidlist as it is (null: there is none).</param>
    /// <param name="IndexUidValidity">UIDVALIDITY of the index (0: unknown).</param>
    /// <param name="IndexNextUid">next_uid of the index (0: unknown).</param>
    /// <param name="IndexUids">UIDs the index has records for.</param>
    /// <param name="MessageFiles">Names found in cur/ and new/.</param>
    /// <param name="IndexVirtualSizes">The virtual size dovecot.index (or its cache) records for a UID, where it has one.</param>
    internal sealed record Input(byte[]? Content, uint IndexUidValidity, uint IndexNextUid, IReadOnlySet<uint> IndexUids, IReadOnlyList<string> MessageFiles, IReadOnlyDictionary<uint, ulong> IndexVirtualSizes);

    /// <summary>The new file and what changed; <see cref="Changed"/> false when the old one was already sound.</summary>
    internal sealed record Outcome(byte[] Content, IReadOnlyList<string> Changes, string Before, string After, bool Changed, uint UidValidity, uint NextUid, int Records);

    /// <summary>Rebuilds; throws <see cref="RepairRefusedException"/> when no UIDVALIDITY is known anywhere.</summary>
    public static Outcome Rebuild(Input input, string path)
    {
        ArgumentNullException.ThrowIfNull(input);
        var changes = new List<string>();
        var files = BaseNames(input.MessageFiles);
        UidListSalvage salvage = UidList.Salvage(input.Content ?? Array.Empty<byte>());
        UidListHeader? header = salvage.Header;
        if (input.Content == null)
        {
            changes.Add("file was missing");
        }
        else if (header == null)
        {
            changes.Add("line 1: no header (" + Show(salvage.FirstLine ?? string.Empty) + ")");
        }

        if (header?.Version == 1)
        {
            changes.Add("version 1 header upgraded to version 3");
        }
        else if (header != null && header.Version != 3)
        {
            changes.Add("line 1: unsupported version " + N(header.Version) + ", rewritten as version 3");
        }

        foreach (string token in header?.Dropped ?? new List<string>())
        {
            changes.Add("line 1: broken header field dropped: " + Show(token));
        }

        // Every line that parses, in file order.
        var candidates = new List<Candidate>();
        foreach (UidListSalvage.Line line in salvage.Lines)
        {
            foreach (string token in line.InvalidExtensions)
            {
                changes.Add("line " + N(line.Number) + ": invalid extension field dropped: " + Show(token));
            }

            if (line.Record is not { } record)
            {
                changes.Add("line " + N(line.Number) + ": dropped (" + line.Unparsed + "): " + Show(line.Text));
                continue;
            }

            Candidate? parsed = new Candidate(record.Uid, record.Extensions, record.FileName, line.Number);
            if (!line.Terminated)
            {
                parsed = Unterminated(parsed, files, input, candidates, changes);
                if (parsed == null)
                {
                    continue;
                }
            }

            candidates.Add(parsed);
        }

        var displaced = new List<Candidate>();
        var kept = Settle(candidates, files, input.IndexUids, input.IndexVirtualSizes, changes, displaced);
        bool wasOrdered = IsOrdered(candidates);
        kept.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        GiveBackUids(kept, displaced, input, changes);
        if (!wasOrdered)
        {
            changes.Add("lines put back in UID order");
        }

        uint uidValidity = header?.UidValidity ?? 0;
        if (uidValidity == 0)
        {
            uidValidity = input.IndexUidValidity;
            if (uidValidity == 0)
            {
                throw new RepairRefusedException(RepairRefusal.Unrepairable, path, path + ": no UIDVALIDITY in its header nor in dovecot.index; a rebuilt uidlist would need a new one, which changes every UID for clients. Left as it is.");
            }

            changes.Add("uidvalidity taken from dovecot.index: " + N(uidValidity));
        }
        else if (input.IndexUidValidity != 0 && input.IndexUidValidity != uidValidity)
        {
            changes.Add("uidvalidity " + N(uidValidity) + " kept (dovecot.index has " + N(input.IndexUidValidity) + "; Dovecot will reset its index to the uidlist's)");
        }

        uint headerNextUid = header?.NextUid ?? 0;
        uint nextUid = Math.Max(headerNextUid, 1);
        if (kept.Count > 0)
        {
            nextUid = Math.Max(nextUid, kept[^1].Uid + 1);
        }

        nextUid = Math.Max(nextUid, input.IndexNextUid);
        if (header != null && headerNextUid != 0 && nextUid != headerNextUid)
        {
            changes.Add("next_uid " + N(headerNextUid) + " -> " + N(nextUid));
        }

        // Files no line names: new UIDs, in name order (Maildir names start with the delivery time).
        var listed = new HashSet<string>(kept.Select(c => c.FileName), StringComparer.Ordinal);
        foreach (string file in files.Where(f => !listed.Contains(f)).OrderBy(f => f, StringComparer.Ordinal))
        {
            changes.Add("file " + file + " was in no line: uid " + N(nextUid));
            kept.Add(new Candidate(nextUid, Array.Empty<string>(), file, 0));
            nextUid++;
        }

        var output = new StringBuilder();
        output.Append("3 V").Append(N(uidValidity)).Append(" N").Append(N(nextUid));
        if (header?.Guid != null)
        {
            output.Append(" G").Append(header.Guid);
        }
        else if (header != null)
        {
            changes.Add("mailbox GUID lost with the header (Dovecot gives the mailbox a new one)");
        }

        foreach (string extension in header?.Extensions ?? new List<string>())
        {
            output.Append(' ').Append(extension);
        }

        output.Append('\n');
        foreach (Candidate c in kept)
        {
            output.Append(N(c.Uid));
            foreach (string extension in c.Extensions)
            {
                output.Append(' ').Append(extension);
            }

            output.Append(" :").Append(c.FileName).Append('\n');
        }

        byte[] content = Encoding.UTF8.GetBytes(output.ToString());
        bool changed = input.Content == null || !content.AsSpan().SequenceEqual(input.Content);
        string before = input.Content == null
            ? "missing"
            : N(input.Content.Length) + " bytes, " + N(salvage.Lines.Count) + " lines, header " + (header != null ? "V" + N(header.UidValidity) + " N" + N(header.NextUid) : "broken");
        string after = N(content.Length) + " bytes, " + N(kept.Count) + " records, V" + N(uidValidity) + " N" + N(nextUid);
        return new Outcome(content, changed ? changes : Array.Empty<string>(), before, after, changed, uidValidity, nextUid, kept.Count);
    }

    private static HashSet<string> BaseNames(IReadOnlyList<string> names)
    {
        var bases = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            // Dovecot skips dot files in cur/ and new/; a name's base ends at the ':' before the flags.
            if (name.Length == 0 || name[0] == '.')
            {
                continue;
            }

            int colon = name.IndexOf(':', StringComparison.Ordinal);
            bases.Add(colon < 0 ? name : name[..colon]);
        }

        return bases;
    }

    /// <summary>
    /// A last line without its newline (a write cut short): kept as it is when its file exists; when the cut fell in
    /// the file name, completed from the one unlisted file it is the start of, if its UID is in the index and no other
    /// line has it; dropped otherwise.
    /// </summary>
    private static Candidate? Unterminated(Candidate c, HashSet<string> files, Input input, List<Candidate> earlier, List<string> changes)
    {
        string where = "line " + N(c.Line) + " (no newline)";
        if (files.Contains(c.FileName))
        {
            changes.Add(where + ": kept, its file exists");
            return c;
        }

        var claimed = new HashSet<string>(earlier.Select(e => e.FileName), StringComparer.Ordinal);
        var matches = files.Where(f => !claimed.Contains(f) && f.StartsWith(c.FileName, StringComparison.Ordinal)).Take(2).ToList();
        if (matches.Count == 1 && input.IndexUids.Contains(c.Uid) && !earlier.Any(e => e.Uid == c.Uid))
        {
            changes.Add(where + ": file name completed from cur/new: " + matches[0] + " keeps uid " + N(c.Uid));
            return c with { FileName = matches[0] };
        }

        changes.Add(where + ": dropped, cut off: " + Show(c.FileName));
        return null;
    }

    /// <summary>
    /// For each file that lost its UID to another file on a duplicate line: the UID between its neighbours' (by line)
    /// that the index has and no line claims, when it is the only one and the index's virtual size for it is the
    /// file's; the evidence is the line's place (Dovecot writes lines in UID order) and the size the index saw.
    /// </summary>
    private static void GiveBackUids(List<Candidate> kept, List<Candidate> displaced, Input input, List<string> changes)
    {
        foreach (Candidate d in displaced)
        {
            if (kept.Any(k => k.FileName == d.FileName))
            {
                continue;
            }

            uint low = kept.Where(k => k.Line > 0 && k.Line < d.Line).Select(k => k.Uid).DefaultIfEmpty(0u).Max();
            uint high = kept.Where(k => k.Line > d.Line).Select(k => k.Uid).DefaultIfEmpty(Math.Max(input.IndexNextUid, low + 1)).Min();
            var claimed = kept.Select(k => k.Uid).ToHashSet();
            var free = input.IndexUids.Where(u => u > low && u < high && !claimed.Contains(u)).Take(2).ToList();
            ulong? size = VirtualSizeOf(d);
            if (free.Count == 1 && size != null && input.IndexVirtualSizes.TryGetValue(free[0], out ulong indexed) && indexed == size)
            {
                kept.Add(d with { Uid = free[0] });
                kept.Sort((a, b) => a.Uid.CompareTo(b.Uid));
                changes.Add("line " + N(d.Line) + ": " + d.FileName + " keeps uid " + N(free[0]) + " (the only UID of the index between lines of uid " + N(low) + " and " + N(high) + ", same virtual size " + N((long)size) + ")");
            }
        }
    }

    private static ulong? VirtualSizeOf(Candidate c)
    {
        foreach (string extension in c.Extensions)
        {
            if (extension.Length > 1 && extension[0] == 'W' && ulong.TryParse(extension.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong w))
            {
                return w;
            }
        }

        int at = c.FileName.IndexOf(",W=", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        ReadOnlySpan<char> rest = c.FileName.AsSpan(at + 3);
        int end = rest.IndexOfAny(',', ':');
        return ulong.TryParse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? value : null;
    }

    /// <summary>One line per file and one file per UID; files that lost their UID to another go to <paramref name="displaced"/>.</summary>
    private static List<Candidate> Settle(List<Candidate> candidates, HashSet<string> files, IReadOnlySet<uint> indexUids, IReadOnlyDictionary<uint, ulong> sizes, List<string> changes, List<Candidate> displaced)
    {
        var byFile = new Dictionary<string, List<Candidate>>(StringComparer.Ordinal);
        foreach (Candidate c in candidates)
        {
            if (!byFile.TryGetValue(c.FileName, out var list))
            {
                byFile[c.FileName] = list = new List<Candidate>();
            }

            list.Add(c);
        }

        var perFile = new List<Candidate>();
        foreach (Candidate c in candidates)
        {
            var same = byFile[c.FileName];
            if (same.Count == 1)
            {
                perFile.Add(c);
                continue;
            }

            // The UID the index has wins; else the later line, as Dovecot keeps it.
            var known = same.Where(s => indexUids.Contains(s.Uid)).ToList();
            Candidate winner = known.Count == 1 ? known[0] : same[^1];
            if (ReferenceEquals(c, winner))
            {
                perFile.Add(c);
            }
            else
            {
                changes.Add("line " + N(c.Line) + ": duplicate line for " + c.FileName + " dropped (uid " + N(c.Uid) + "; kept uid " + N(winner.Uid) + ")");
            }
        }

        var byUid = new Dictionary<uint, Candidate>();
        var kept = new List<Candidate>();
        foreach (Candidate c in perFile)
        {
            if (!byUid.TryGetValue(c.Uid, out Candidate? holder))
            {
                byUid[c.Uid] = c;
                kept.Add(c);
                continue;
            }

            // Two files with one UID: the one that exists keeps it; when both do, the one whose virtual size is the
            // index's for that UID, else the first line (a second line with a UID already given is the usual race of
            // two writers, and the index has the first). The other file, if it exists, gets a UID back or a new one.
            bool holderExists = files.Contains(holder.FileName), otherExists = files.Contains(c.FileName);
            bool sizeSaysOther = holderExists && otherExists && sizes.TryGetValue(c.Uid, out ulong indexed) &&
                VirtualSizeOf(c) == indexed && VirtualSizeOf(holder) != indexed;
            if ((!holderExists && otherExists) || sizeSaysOther)
            {
                kept[kept.IndexOf(holder)] = c;
                byUid[c.Uid] = c;
                changes.Add("line " + N(holder.Line) + ": uid " + N(c.Uid) + " also on line " + N(c.Line) + "; kept for " + c.FileName + (sizeSaysOther ? " (its size is the index's)" : " (the file that exists)"));
                if (holderExists)
                {
                    displaced.Add(holder);
                }
            }
            else
            {
                changes.Add("line " + N(c.Line) + ": uid " + N(c.Uid) + " already on line " + N(holder.Line) + "; " + c.FileName + " dropped from it");
                if (files.Contains(c.FileName))
                {
                    displaced.Add(c);
                }
            }
        }

        return kept;
    }

    private static bool IsOrdered(List<Candidate> candidates)
    {
        for (int i = 1; i < candidates.Count; i++)
        {
            if (candidates[i].Uid <= candidates[i - 1].Uid)
            {
                return false;
            }
        }

        return true;
    }

    private static string Show(string text)
    {
        var shown = new StringBuilder();
        foreach (char c in text.Length > 80 ? text[..80] + "..." : text)
        {
            shown.Append(char.IsControl(c) ? '?' : c);
        }

        return "'" + shown + "'";
    }

    private sealed record Candidate(uint Uid, IReadOnlyList<string> Extensions, string FileName, int Line);
}
