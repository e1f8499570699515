using System;
using System.IO;
using System.Linq;
using System.Reflection;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Tests.Oracle;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

/// <summary>The catalog itself: every id has its rule, its tests and its documentation page, and no false alarms on Debian's defaults.</summary>
public sealed class RuleCatalogTests
{
    private static readonly string[] Ids = typeof(RuleIdentifiers).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.Name != nameof(RuleIdentifiers.HelpBase))
        .Select(f => (string)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void Every_ID_has_exactly_one_rule_named_after_it()
    {
        foreach (var id in Ids)
        {
            var rules = RuleCatalog.All.Where(r => r.Id == id).ToList();
            Assert.True(rules.Count == 1, id + " has " + rules.Count + " rules");
            Assert.StartsWith(id, rules[0].GetType().Name, StringComparison.Ordinal);
            Assert.True(rules[0].GetType().IsSealed, id + " is not sealed");
        }

        Assert.Equal(Ids.OrderBy(i => i, StringComparer.Ordinal), RuleCatalog.All.Select(r => r.Id));
        Assert.True(Ids.Length >= 30, "only " + Ids.Length + " rules");
    }

    [Fact]
    public void Every_rule_has_its_tests_and_its_page()
    {
        var testTypes = typeof(RuleCatalogTests).Assembly.GetTypes().Select(t => t.Name).ToHashSet();
        foreach (var rule in RuleCatalog.All)
        {
            Assert.True(testTypes.Contains(rule.GetType().Name + "Tests"), rule.Id + " has no " + rule.GetType().Name + "Tests");
            string page = Path.Combine(Corpus.RepositoryRoot, "docs", "rules", rule.Id + ".md");
            Assert.True(File.Exists(page), rule.Id + " has no docs/rules/" + rule.Id + ".md");
            string text = File.ReadAllText(page);
            foreach (var heading in new[] { "## Cause", "## Why it breaks", "## How to fix", "## How to suppress", "## Sources" })
            {
                Assert.True(text.Contains(heading, StringComparison.Ordinal), rule.Id + ".md lacks " + heading);
            }

            Assert.EndsWith("/docs/rules/" + rule.Id + ".md", rule.HelpUri, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Debian_defaults_on_local_ext4_have_no_errors()
    {
        var profile = MailStorage.ConfigAnalyzer.Storage.StorageProfile.Parse(new StringReader(LintHarness.LocalExt4), "local.yaml");
        var result = ConfigLinter.Lint("/etc/dovecot/dovecot.conf", profile);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == RuleSeverity.Error);
    }
}
