using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MailStorage.ConfigAnalyzer.Analyzer;
using Xunit;

namespace MailStorage.ConfigAnalyzer.PackageTests;

/// <summary>
/// AnalyzerReleases.Shipped.md and AnalyzerReleases.Unshipped.md list every diagnostic the analyzer reports, with
/// its category and severity. Release tracking in the compiler cannot check this: the rule descriptors are made
/// from RuleCatalog at run time.
/// </summary>
public sealed class ReleaseTrackingTests
{
    private static readonly Regex Row = new Regex(@"^(?<id>MS[A-Z]\d{3})\s*\|\s*(?<category>[^|]*?)\s*\|\s*(?<severity>[^|]*?)\s*\|", RegexOptions.Multiline);

    [Fact]
    public void Every_diagnostic_is_in_the_release_files()
    {
        var listed = ReadRows();
        var missing = new List<string>();
        foreach (var descriptor in AnalyzerDescriptors.All)
        {
            string line = descriptor.Id + " | " + descriptor.Category + " | " + descriptor.DefaultSeverity + " | " +
                descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!listed.TryGetValue(descriptor.Id, out var row))
            {
                missing.Add(line);
                continue;
            }

            Assert.True(row.Category == descriptor.Category && row.Severity == descriptor.DefaultSeverity.ToString(),
                descriptor.Id + " is listed as " + row.Category + " | " + row.Severity + "; the analyzer reports " + line);
        }

        Assert.True(missing.Count == 0,
            "add to src/ConfigAnalyzer/AnalyzerReleases.Unshipped.md, under ### New Rules:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_listed_ID_is_reported()
    {
        var ids = AnalyzerDescriptors.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in ReadRows().Keys)
        {
            Assert.True(ids.Contains(id), id + " is in the release files but no rule reports it (move it to ### Removed Rules)");
        }
    }

    private static Dictionary<string, (string Category, string Severity)> ReadRows()
    {
        var rows = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var name in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            // Removed rules are history, not what the analyzer reports now.
            string text = File.ReadAllText(Path.Combine(Repository.AnalyzerProject, name));
            foreach (var section in Regex.Split(text, @"^(?=##)", RegexOptions.Multiline).Where(s => !s.StartsWith("### Removed", StringComparison.Ordinal)))
            {
                foreach (Match m in Row.Matches(section))
                {
                    rows[m.Groups["id"].Value] = (m.Groups["category"].Value, m.Groups["severity"].Value);
                }
            }
        }

        return rows;
    }
}
