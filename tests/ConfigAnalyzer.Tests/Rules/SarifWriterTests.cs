using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Settings;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class SarifWriterTests
{
    private const string MmapOnNfs = "# indexes on NFS\nmail_location = maildir:/srv/mail/%d/%n\n";

    [Fact]
    public void Writes_SARIF_2_1_0_with_the_driver_and_every_rule()
    {
        using var doc = JsonDocument.Parse(SarifWriter.Write(Lint(MmapOnNfs, NfsSticky), RuleCatalog.All));
        var root = doc.RootElement;
        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", root.GetProperty("$schema").GetString());
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("MailStorage", driver.GetProperty("name").GetString());
        Assert.StartsWith("https://", driver.GetProperty("informationUri").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(driver.GetProperty("version").GetString()));

        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(RuleCatalog.All.Select(r => r.Id), rules.Select(r => r.GetProperty("id").GetString()));
        foreach (var (rule, json) in RuleCatalog.All.Zip(rules))
        {
            Assert.Equal(rule.Title, json.GetProperty("shortDescription").GetProperty("text").GetString());
            Assert.Equal(rule.HelpUri, json.GetProperty("helpUri").GetString());
            Assert.False(string.IsNullOrEmpty(json.GetProperty("name").GetString()));
            Assert.DoesNotContain(rule.Id, json.GetProperty("name").GetString(), StringComparison.Ordinal);
            string expected = rule.DefaultSeverity switch { RuleSeverity.Error => "error", RuleSeverity.Warning => "warning", _ => "note" };
            Assert.Equal(expected, json.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        }
    }

    [Fact]
    public void Writes_each_finding_with_rule_index_level_and_place()
    {
        var lint = Lint(MmapOnNfs, NfsSticky);
        using var doc = JsonDocument.Parse(SarifWriter.Write(lint, RuleCatalog.All));
        var run = doc.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(lint.Diagnostics.Count, results.Count);

        var mmap = results.Single(r => r.GetProperty("ruleId").GetString() == RuleIdentifiers.MmapOnSharedStorage);
        Assert.Equal(RuleIdentifiers.MmapOnSharedStorage, rules[mmap.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
        Assert.Equal("error", mmap.GetProperty("level").GetString());
        Assert.Contains("mmap_disable", mmap.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.False(mmap.TryGetProperty("suppressions", out _));

        var physical = Assert.Single(mmap.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
        var artifact = physical.GetProperty("artifactLocation");
        Assert.Equal("dovecot.conf", artifact.GetProperty("uri").GetString());
        Assert.Equal(SarifWriter.ConfigDirectoryBaseId, artifact.GetProperty("uriBaseId").GetString());
        Assert.Equal(2, physical.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.True(physical.GetProperty("region").GetProperty("startColumn").GetInt32() >= 1);

        // The base resolves to the folder the configuration was in.
        string baseUri = run.GetProperty("originalUriBaseIds").GetProperty(SarifWriter.ConfigDirectoryBaseId).GetProperty("uri").GetString()!;
        var resolved = new Uri(new Uri(baseUri), artifact.GetProperty("uri").GetString());
        Assert.Equal(Path.GetFullPath(lint.Config.Path), resolved.LocalPath);
    }

    [Fact]
    public void Marks_suppressed_findings_in_source_with_the_reason()
    {
        const string config = "# mailstorage-disable-next-line MSD010: benchmarked, \"only\" one writer\nmail_location = maildir:/srv/mail/%d/%n\n";
        using var doc = JsonDocument.Parse(SarifWriter.Write(Lint(config, NfsSticky, includeSuppressed: true), RuleCatalog.All));
        var mmap = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("ruleId").GetString() == RuleIdentifiers.MmapOnSharedStorage);
        var suppression = Assert.Single(mmap.GetProperty("suppressions").EnumerateArray());
        Assert.Equal("inSource", suppression.GetProperty("kind").GetString());
        Assert.Equal("benchmarked, \"only\" one writer", suppression.GetProperty("justification").GetString());
    }

    [Fact]
    public void Escapes_quotes_backslashes_newlines_and_control_characters()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mssarif-" + Guid.NewGuid().ToString("N"), "dove cot#1");
        Directory.CreateDirectory(dir);
        try
        {
            string configPath = Path.Combine(dir, "dovecot.conf");
            File.WriteAllText(configPath, "mail_location = maildir:~/Maildir\n");
            var config = ConfigReader.Read(configPath);
            const string message = "say \"yes\"\\no\nsecond line\r\n\ttab \u0001 bell \u2028 é 📧 end";
            string outside = "/tmp/other \"dir\"/ü.conf";
            var diagnostics = new List<LintDiagnostic>
            {
                new LintDiagnostic("MSD010", "t", RuleSeverity.Warning, message, configPath, 3, 7, "protocol=lmtp", null, false),
                new LintDiagnostic("MSD999", "t", RuleSeverity.Info, "x", outside, 1, 1, string.Empty, "a \\ reason\n", true),
            };
            string text = SarifWriter.Write(new LintResult(config, null, RuleCatalog.All, diagnostics), RuleCatalog.All);
            Assert.DoesNotContain("\u0001", text, StringComparison.Ordinal);

            using var doc = JsonDocument.Parse(text);
            var run = doc.RootElement.GetProperty("runs")[0];
            var results = run.GetProperty("results");
            Assert.Equal(message, results[0].GetProperty("message").GetProperty("text").GetString());
            Assert.Equal("warning", results[0].GetProperty("level").GetString());
            Assert.Equal("protocol=lmtp", results[0].GetProperty("properties").GetProperty("filter").GetString());
            Assert.Equal(7, results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startColumn").GetInt32());

            // A rule the driver does not list has no ruleIndex; a file outside the configuration's folder an absolute URI.
            Assert.False(results[1].TryGetProperty("ruleIndex", out _));
            Assert.Equal("note", results[1].GetProperty("level").GetString());
            Assert.Equal("a \\ reason\n", results[1].GetProperty("suppressions")[0].GetProperty("justification").GetString());
            var artifact = results[1].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
            Assert.False(artifact.TryGetProperty("uriBaseId", out _));
            var uri = new Uri(artifact.GetProperty("uri").GetString()!);
            Assert.Equal("file", uri.Scheme);
            Assert.Equal(outside, Uri.UnescapeDataString(uri.AbsolutePath));

            // The folder's name needs escaping in its URI, and still resolves.
            string baseUri = run.GetProperty("originalUriBaseIds").GetProperty(SarifWriter.ConfigDirectoryBaseId).GetProperty("uri").GetString()!;
            Assert.Contains("dove%20cot%231/", baseUri, StringComparison.Ordinal);
            Assert.Equal(dir + "/", Uri.UnescapeDataString(new Uri(baseUri).AbsolutePath));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, true);
        }
    }

    [Fact]
    public void Writes_an_empty_result_list_for_a_clean_configuration()
    {
        using var doc = JsonDocument.Parse(SarifWriter.Write(Lint("mail_location = maildir:~/Maildir\n", LocalExt4), RuleCatalog.All));
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal(JsonValueKind.Array, run.GetProperty("results").ValueKind);
        Assert.Equal(RuleCatalog.All.Count, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
    }
}
