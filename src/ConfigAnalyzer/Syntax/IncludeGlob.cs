using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace MailStorage.ConfigAnalyzer.Syntax;

/// <summary>
/// Expands an <c>!include</c> pattern as glibc's glob(3) with GLOB_BRACE does for doveconf: braces first,
/// each alternative's matches sorted byte-wise (the C locale), alternatives kept in written order,
/// wildcards never matching a leading dot.
/// </summary>
public static class IncludeGlob
{
    private static readonly char[] Slash = { '/' };
    private static readonly char[] GlobMagic = { '*', '?', '[' };

    /// <summary>Paths matching <paramref name="pattern"/>, spelled from the pattern (relative stays relative).</summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        var results = new List<string>();
        foreach (var alternative in ExpandBraces(pattern))
        {
            var matches = new List<string>();
            if (!HasMagic(alternative))
            {
                string plain = Unescape(alternative);
                if (File.Exists(plain) || Directory.Exists(plain))
                {
                    matches.Add(plain);
                }
            }
            else
            {
                MatchComponents(alternative, matches);
                matches.Sort(CompareBytes);
            }

            results.AddRange(matches);
        }

        return results;
    }

    /// <summary>Compares like strcmp on UTF-8 bytes (glob sorts with strcoll in the C locale).</summary>
    public static int CompareBytes(string a, string b)
    {
        var x = Encoding.UTF8.GetBytes(a);
        var y = Encoding.UTF8.GetBytes(b);
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            if (x[i] != y[i])
            {
                return x[i] - y[i];
            }
        }

        return x.Length - y.Length;
    }

    internal static List<string> ExpandBraces(string pattern)
    {
        int open = -1;
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                i++;
            }
            else if (pattern[i] == '{')
            {
                open = i;
                break;
            }
        }

        if (open < 0)
        {
            return new List<string> { pattern };
        }

        int depth = 0, close = -1;
        var commas = new List<int>();
        for (int i = open; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                i++;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
                if (depth == 0)
                {
                    close = i;
                    break;
                }
            }
            else if (c == ',' && depth == 1)
            {
                commas.Add(i);
            }
        }

        if (close < 0)
        {
            // An unbalanced brace is taken literally, as glibc does.
            return new List<string> { pattern };
        }

        string prefix = pattern.Substring(0, open), suffix = pattern.Substring(close + 1);
        var result = new List<string>();
        int start = open + 1;
        commas.Add(close);
        foreach (int end in commas)
        {
            result.AddRange(ExpandBraces(prefix + pattern.Substring(start, end - start) + suffix));
            start = end + 1;
        }

        return result;
    }

    private static void MatchComponents(string pattern, List<string> matches)
    {
        bool absolute = pattern.StartsWith("/", StringComparison.Ordinal);
        var parts = pattern.Split(Slash, StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { absolute ? "/" : string.Empty };
        for (int i = 0; i < parts.Length; i++)
        {
            bool last = i == parts.Length - 1;
            var next = new List<string>();
            foreach (var dir in current)
            {
                string listDir = dir.Length == 0 ? "." : dir;
                if (!HasMagic(parts[i]))
                {
                    string candidate = Join(dir, Unescape(parts[i]));
                    if (last ? File.Exists(candidate) || Directory.Exists(candidate) : Directory.Exists(candidate))
                    {
                        next.Add(candidate);
                    }

                    continue;
                }

                if (!Directory.Exists(listDir))
                {
                    continue;
                }

                IEnumerable<string> entries;
                try
                {
                    entries = Directory.EnumerateFileSystemEntries(listDir).Select(Path.GetFileName).ToList()!;
                }
                catch (IOException)
                {
                    continue;
                }
                catch (UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (var name in entries)
                {
                    if (name[0] == '.' && parts[i][0] != '.')
                    {
                        continue;
                    }

                    if (FnMatch(parts[i], 0, name, 0))
                    {
                        string candidate = Join(dir, name);
                        if (last || Directory.Exists(candidate))
                        {
                            next.Add(candidate);
                        }
                    }
                }
            }

            current = next;
        }

        matches.AddRange(current.Where(p => p.Length > 0));
    }

    private static string Join(string dir, string name) =>
        dir.Length == 0 ? name : dir.EndsWith("/", StringComparison.Ordinal) ? dir + name : dir + "/" + name;

    private static bool HasMagic(string pattern) => pattern.IndexOfAny(GlobMagic) >= 0;

    private static string Unescape(string text) => ConfigLineParser.Unescape(text);

    private static bool FnMatch(string p, int i, string s, int j)
    {
        while (i < p.Length)
        {
            char c = p[i];
            if (c == '*')
            {
                for (int k = j; k <= s.Length; k++)
                {
                    if (FnMatch(p, i + 1, s, k))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (j >= s.Length)
            {
                return false;
            }

            if (c == '?')
            {
                i++;
                j++;
                continue;
            }

            if (c == '[')
            {
                int k = i + 1;
                bool negate = k < p.Length && (p[k] == '!' || p[k] == '^');
                if (negate)
                {
                    k++;
                }

                bool matched = false;
                bool first = true;
                while (k < p.Length && (first || p[k] != ']'))
                {
                    first = false;
                    char lo = p[k];
                    char hi = lo;
                    if (k + 2 < p.Length && p[k + 1] == '-' && p[k + 2] != ']')
                    {
                        hi = p[k + 2];
                        k += 2;
                    }

                    matched |= s[j] >= lo && s[j] <= hi;
                    k++;
                }

                if (k >= p.Length)
                {
                    // No closing bracket: '[' is an ordinary character.
                    if (s[j] != '[')
                    {
                        return false;
                    }

                    i++;
                    j++;
                    continue;
                }

                if (matched == negate)
                {
                    return false;
                }

                i = k + 1;
                j++;
                continue;
            }

            if (c == '\\' && i + 1 < p.Length)
            {
                i++;
                c = p[i];
            }

            if (c != s[j])
            {
                return false;
            }

            i++;
            j++;
        }

        return j == s.Length;
    }
}
