using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// Renders a configuration the way <c>doveconf -n</c> prints it: non-default global settings and sections,
/// then one block per filter, keys sorted as doveconf sorts them, secrets hidden unless asked.
/// </summary>
public static class DoveconfWriter
{
    // doveconf marks list keys with \001 and unique section names with \xff (a signed char, so it sorts first).
    private const char ListMark = '\u0001';
    private const char UniqueMark = '\uffff';
    private static readonly string[] Secrets = { "key", "secret", "pass", "http://", "https://", "ftp://" };

    /// <summary>The <c>doveconf -n</c> text for <paramref name="config"/>, without doveconf's comment header.</summary>
    public static string Render(DovecotConfig config, bool showSecrets = false) => Render(DoveconfExport.NonDefault(config), showSecrets);

    /// <summary>
    /// Renders entries in the <c>doveconf -n</c> layout: the global block first, then one block per filter, least
    /// specific first; sections nested with two-space indents and keys sorted as doveconf sorts them.
    /// Every entry given is printed.
    /// </summary>
    public static string Render(IEnumerable<ExportedSetting> entries, bool showSecrets = false)
    {
        var blocks = new List<(ConfigFilter Filter, List<string> Lines, HashSet<string> Seen)>();
        foreach (var entry in entries)
        {
            var filter = entry.Block?.Filter ?? ConfigFilter.Global;
            int index = blocks.FindIndex(b => b.Filter.Equals(filter));
            if (index < 0)
            {
                blocks.Add((filter, new List<string>(), new HashSet<string>(StringComparer.Ordinal)));
                index = blocks.Count - 1;
            }

            AddExportLines(entry, blocks[index].Lines, blocks[index].Seen);
        }

        // Global first, then filters least specific first; blocks of equal rank keep the order they were met in.
        var ordered = blocks.Select((b, i) => (b, i)).ToList();
        ordered.Sort((x, y) =>
        {
            if (x.b.Filter.IsGlobal != y.b.Filter.IsGlobal)
            {
                return x.b.Filter.IsGlobal ? -1 : 1;
            }

            int c = -ConfigFilter.CompareSpecificity(x.b.Filter, y.b.Filter);
            return c != 0 ? c : x.i.CompareTo(y.i);
        });

        var output = new StringBuilder();
        foreach (var (block, _) in ordered)
        {
            var header = new StringBuilder();
            int indent = FilterHeader(block.Filter, header);
            var body = new StringBuilder();
            if (WriteHuman(block.Lines, body, indent, header.ToString(), showSecrets))
            {
                output.Append(body);
                while (indent > 0)
                {
                    indent--;
                    output.Append(' ', indent * 2).Append("}\n");
                }
            }
        }

        return output.ToString();
    }

    /// <summary>A value as doveconf -n prints it after <c>name = </c>: quoted when needed, secrets hidden unless asked.</summary>
    public static string FormatValue(string name, string value, bool showSecrets) =>
        showSecrets ? QuoteValue(value) : HideSecrets(name, value);

    /// <summary>doveconf's quoting: values with <c>#</c> or white space at either end go in double quotes, escaped.</summary>
    public static string QuoteValue(string value) =>
        NeedsQuotes(value) ? "\"" + SettingValueParser.EscapeForDisplay(value) + "\"" : value;

    private static bool NeedsQuotes(string value) =>
        value.Length > 0 && (value.IndexOf('#') >= 0 || IsWhite(value[0]) || IsWhite(value[value.Length - 1]));

    private static bool IsWhite(char c) => c == ' ' || c == '\t';

    private static int FilterHeader(ConfigFilter filter, StringBuilder sb)
    {
        int indent = 0;
        if (filter.Local != null)
        {
            sb.Append("local ").Append(filter.Local).Append(" {\n");
            indent++;
        }

        if (filter.LocalName != null)
        {
            sb.Append(' ', indent * 2).Append("local_name ").Append(filter.LocalName).Append(" {\n");
            indent++;
        }

        if (filter.Remote != null)
        {
            sb.Append(' ', indent * 2).Append("remote ").Append(filter.Remote).Append(" {\n");
            indent++;
        }

        if (filter.Protocol != null)
        {
            sb.Append(' ', indent * 2).Append("protocol ").Append(filter.Protocol).Append(" {\n");
            indent++;
        }

        return indent;
    }

    // The key=value strings doveconf's settings_export produces: the entry itself under its section path, and
    // for each section around it the list key naming its siblings and, for named sections, the name key that
    // opens "namespace inbox {".
    private static void AddExportLines(ExportedSetting entry, List<string> lines, HashSet<string> seen)
    {
        var chain = new List<SettingsNode>();
        for (var node = entry.Scope; node.Parent != null; node = node.Parent)
        {
            chain.Insert(0, node);
        }

        string prefix = string.Empty;
        foreach (var node in chain)
        {
            // One list key per section type and parent (doveconf's prefixes must not repeat), one name key per section.
            if (seen.Add(ListMark + prefix + node.Type))
            {
                var siblings = node.Parent!.Children.Where(c => c.Type == node.Type);
                lines.Add(ListMark + prefix + node.Type + "=" +
                          (node.Definition.Kind == SectionKind.StrList ? string.Empty : string.Join(" ", siblings.Select(SectionKey))));
            }

            if (node.Definition.Kind == SectionKind.Unique && node.Definition.NameSetting != null && seen.Add(prefix + SectionPrefix(node)))
            {
                lines.Add(prefix + SectionPrefix(node) + UniqueMark + node.Definition.NameSetting + "=" +
                          (node.Get(node.Definition.NameSetting)?.Value ?? string.Empty));
            }

            prefix += SectionPrefix(node);
        }

        lines.Add(prefix + entry.Name + "=" + entry.Value);
    }

    private static string SectionPrefix(SettingsNode node) =>
        node.Definition.Kind == SectionKind.StrList ? node.Type + "/" : node.Type + "/" + SectionKey(node) + "/";

    // doveconf keys a named section by its name (escaped), anything else by its index among its siblings.
    // The index costs a walk over the siblings, so it is counted only for a section without a name: counted for
    // every entry of every named section, 1,000 namespaces made rendering quadratic.
    private static string SectionKey(SettingsNode section)
    {
        if (section.Definition.Kind == SectionKind.Unique && section.Definition.NameSetting != null)
        {
            string name = section.Get(section.Definition.NameSetting)?.Value ?? string.Empty;
            if (name.Length > 0)
            {
                return ConfigReader.EscapeSectionName(name);
            }
        }

        int index = section.Parent == null ? 0 : section.Parent.Children.Where(c => c.Type == section.Type).ToList().IndexOf(section);
        return index.ToString(CultureInfo.InvariantCulture);
    }

    // doveconf's config_string_cmp: compare up to '=', a key that ends first sorts first, chars as signed bytes.
    private static int CompareKeys(string s1, string s2)
    {
        int i = 0;
        while (true)
        {
            char c1 = i < s1.Length ? s1[i] : '\0', c2 = i < s2.Length ? s2[i] : '\0';
            if (c1 != c2)
            {
                if (c1 == '=')
                {
                    return -1;
                }

                if (c2 == '=')
                {
                    return 1;
                }

                return SignedRank(c1) - SignedRank(c2);
            }

            if (c1 == '\0' || c1 == '=')
            {
                return 0;
            }

            i++;
        }
    }

    private static int SignedRank(char c) => c == UniqueMark ? -1 : c < 0x80 ? c : c - 0x10000;

    // Port of doveconf's config_dump_human_output: walks the sorted strings, opening and closing sections by
    // their key prefixes. A section's header is held back until something inside it is printed.
    private static bool WriteHuman(List<string> strings, StringBuilder output, int indent, string filterHeader, bool showSecrets)
    {
        var sorted = strings.Select((s, i) => (s, i)).ToList();
        sorted.Sort((a, b) =>
        {
            int c = CompareKeys(a.s, b.s);
            return c != 0 ? c : a.i.CompareTo(b.i);
        });

        var prefixes = new List<string>();
        int idx = 0;
        for (; idx < sorted.Count && sorted[idx].s[0] == ListMark; idx++)
        {
            string s = sorted[idx].s;
            int eq = s.IndexOf('=');
            string listKey = s.Substring(1, eq - 1);
            string rest = s.Substring(eq + 1);
            if (rest.Length == 0)
            {
                prefixes.Add(listKey + "/");
            }
            else
            {
                foreach (var arg in rest.Split(' '))
                {
                    prefixes.Add(listKey + "/" + arg + "/");
                }
            }
        }

        var listPrefix = new StringBuilder(filterHeader);
        bool sent = false;
        var stack = new List<(int PrefixIdx, int StrPos)>();
        int prefixIdx = -1;
        for (; idx < sorted.Count; idx++)
        {
            string full = sorted[idx].s;
            int eqPos = full.IndexOf('=');
            string key = full.Substring(0, eqPos);
            string value = full.Substring(eqPos + 1);
            bool uniqueKey = false;
            int slash = key.LastIndexOf('/');
            if (slash >= 0 && slash + 1 < key.Length && key[slash + 1] == UniqueMark)
            {
                key = key.Substring(0, slash + 1) + key.Substring(slash + 2);
                uniqueKey = true;
            }
            else if (key.Length > 0 && key[0] == UniqueMark)
            {
                key = key.Substring(1);
                uniqueKey = true;
            }

            bool again = true;
            while (again)
            {
                again = false;
                int j = 0;
                while (prefixIdx != -1)
                {
                    if (!key.StartsWith(prefixes[prefixIdx], StringComparison.Ordinal))
                    {
                        var popped = stack[stack.Count - 1];
                        stack.RemoveAt(stack.Count - 1);
                        indent--;
                        if (popped.StrPos != -1)
                        {
                            listPrefix.Length = popped.StrPos;
                        }
                        else
                        {
                            output.Append(' ', indent * 2).Append("}\n");
                        }

                        prefixIdx = stack.Count == 0 ? -1 : stack[stack.Count - 1].PrefixIdx;
                    }
                    else
                    {
                        j = prefixIdx + 1;
                        break;
                    }
                }

                for (; j < prefixes.Count; j++)
                {
                    if (!key.StartsWith(prefixes[j], StringComparison.Ordinal))
                    {
                        continue;
                    }

                    string key2 = key.Substring(prefixIdx == -1 ? 0 : prefixes[prefixIdx].Length);
                    int strPos = uniqueKey ? listPrefix.Length : -1;
                    prefixIdx = j;
                    stack.Add((prefixIdx, strPos));
                    listPrefix.Append(' ', indent * 2);
                    int p = key2.IndexOf('/');
                    listPrefix.Append(p >= 0 ? key2.Substring(0, p) : key2);
                    if (uniqueKey && value.Length > 0)
                    {
                        listPrefix.Append(value.IndexOf(' ') < 0 ? " " + value : " \"" + SettingValueParser.EscapeForDisplay(value) + "\"");
                    }

                    listPrefix.Append(" {\n");
                    indent++;
                    if (!uniqueKey)
                    {
                        again = true;
                    }

                    break;
                }

                if (j < prefixes.Count && uniqueKey)
                {
                    goto NextString;
                }
            }

            output.Append(listPrefix);
            listPrefix.Clear();
            for (int s = 0; s < stack.Count; s++)
            {
                stack[s] = (stack[s].PrefixIdx, -1);
            }

            sent = true;
            {
                int skip = prefixIdx == -1 ? 0 : prefixes[prefixIdx].Length;
                string shown = key.Substring(skip);
                output.Append(' ', indent * 2).Append(shown).Append(" = ");
                output.Append(showSecrets ? QuoteValue(value) : HideSecrets(shown, value));
                output.Append('\n');
            }

        NextString:;
        }

        while (prefixIdx != -1)
        {
            var popped = stack[stack.Count - 1];
            stack.RemoveAt(stack.Count - 1);
            if (popped.StrPos != -1)
            {
                break;
            }

            prefixIdx = stack.Count == 0 ? -1 : stack[stack.Count - 1].PrefixIdx;
            indent--;
            output.Append(' ', indent * 2).Append("}\n");
        }

        return sent;
    }

    // doveconf -n hides passwords, keys and nonces, and the value after "pass", "secret" or "key" inside
    // connection strings and URLs; -P shows them.
    private static string HideSecrets(string key, string value)
    {
        bool quote = NeedsQuotes(value);
        if (value.Length > 0 && (key.EndsWith("_password", StringComparison.Ordinal) || key.EndsWith("_key", StringComparison.Ordinal) ||
            key.EndsWith("_nonce", StringComparison.Ordinal) || key.StartsWith("ssl_dh", StringComparison.Ordinal)))
        {
            return "# hidden, use -P to show it";
        }

        var result = new StringBuilder();
        bool hid = false;
        int optr = 0, ptr = 0;
        while ((ptr = NextSecret(value, ptr, out string secret)) >= 0)
        {
            if (secret.IndexOf("://", StringComparison.Ordinal) >= 0)
            {
                ptr += secret.Length;
                int startOfUser = ptr;
                int host = -1;
                while (ptr < value.Length && !char.IsWhiteSpace(value[ptr]) && value[ptr] != '/')
                {
                    if (value[ptr] == '@')
                    {
                        host = ptr;
                        break;
                    }

                    ptr++;
                }

                Emit(result, value, optr, startOfUser, quote);
                if (host >= 0 && host != startOfUser)
                {
                    result.Append("#hidden_use-P_to_show#");
                }
                else
                {
                    Emit(result, value, startOfUser, ptr, quote);
                }

                optr = ptr;
                hid = true;
                continue;
            }

            hid = true;
            if (ptr == 0 || !char.IsLetterOrDigit(value[ptr - 1]))
            {
                while (ptr < value.Length && value[ptr] != '=' && !char.IsWhiteSpace(value[ptr]))
                {
                    ptr++;
                }

                while (ptr < value.Length && char.IsWhiteSpace(value[ptr]))
                {
                    ptr++;
                }

                Emit(result, value, optr, ptr, quote);
                if (ptr < value.Length && value[ptr] == '=')
                {
                    result.Append('=').Append("#hidden_use-P_to_show#");
                    while (ptr < value.Length && !char.IsWhiteSpace(value[ptr]) && value[ptr] != ';' && value[ptr] != ':')
                    {
                        ptr++;
                    }
                }

                optr = ptr;
            }
            else
            {
                ptr++;
            }
        }

        if (!hid)
        {
            return QuoteValue(value);
        }

        Emit(result, value, optr, value.Length, quote);
        return result.ToString();
    }

    private static void Emit(StringBuilder sb, string value, int from, int to, bool quote)
    {
        string part = value.Substring(from, Math.Max(0, to - from));
        sb.Append(quote ? SettingValueParser.EscapeForDisplay(part) : part);
    }

    private static int NextSecret(string input, int from, out string secret)
    {
        secret = string.Empty;
        int best = -1;
        foreach (var candidate in Secrets)
        {
            int at = input.IndexOf(candidate, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                secret = candidate;
            }
        }

        return best;
    }
}
