using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Suppression comments in the configuration itself:
/// <c># mailstorage-disable-next-line MSD010, MSD011: reason</c> covers the next line;
/// <c># mailstorage-disable-file MSD053: reason</c> covers the whole file. Dovecot reads them as comments.
/// </summary>
public sealed class Suppressions
{
    private static readonly Regex Comment = new Regex(
        @"^\s*#\s*mailstorage-disable-(?<scope>next-line|file)\s+(?<ids>[A-Za-z0-9_]+(\s*,\s*[A-Za-z0-9_]+)*)\s*(:\s*(?<reason>.*?))?\s*$",
        RegexOptions.CultureInvariant);

    private readonly Dictionary<(string File, int Line), List<(string Id, string Reason)>> lines = new Dictionary<(string, int), List<(string, string)>>();
    private readonly Dictionary<string, List<(string Id, string Reason)>> files = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);

    /// <summary>The suppressions among a configuration's MailStorage comments.</summary>
    public static Suppressions From(IEnumerable<ConfigComment> comments)
    {
        var result = new Suppressions();
        foreach (var comment in comments)
        {
            var m = Comment.Match(comment.Text);
            if (!m.Success)
            {
                continue;
            }

            string reason = m.Groups["reason"].Success ? m.Groups["reason"].Value : string.Empty;
            foreach (var id in m.Groups["ids"].Value.Split(','))
            {
                var entry = (id.Trim(), reason);
                if (m.Groups["scope"].Value == "file")
                {
                    Add(result.files, comment.File, entry);
                }
                else
                {
                    Add(result.lines, (comment.File, comment.Line + 1), entry);
                }
            }
        }

        return result;
    }

    /// <summary>The reason a finding of <paramref name="ruleId"/> at that place is suppressed, or null when it is not.</summary>
    public string? ReasonFor(string ruleId, string file, int line)
    {
        if (lines.TryGetValue((file, line), out var atLine))
        {
            foreach (var (id, reason) in atLine)
            {
                if (id == ruleId)
                {
                    return reason;
                }
            }
        }

        if (files.TryGetValue(file, out var inFile))
        {
            foreach (var (id, reason) in inFile)
            {
                if (id == ruleId)
                {
                    return reason;
                }
            }
        }

        return null;
    }

    private static void Add<TKey>(Dictionary<TKey, List<(string, string)>> map, TKey key, (string, string) entry)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = new List<(string, string)>();
            map[key] = list;
        }

        list.Add(entry);
    }
}
