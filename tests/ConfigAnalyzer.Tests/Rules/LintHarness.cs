using System;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Storage;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

/// <summary>Writes a config (and a profile) to a temporary folder, lints it, and asserts on the findings.</summary>
internal static class LintHarness
{
    /// <summary>A profile with the mail on NFSv4 (hard, vers=4.2), users pinned to one of 4 backends.</summary>
    public const string NfsSticky = "dovecot: \"2.3\"\ntopology: sticky\nhosts: 4\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [hard, vers=4.2, actimeo=60, noatime, nordirplus]\n";

    /// <summary>A single host with everything on local ext4.</summary>
    public const string LocalExt4 = "dovecot: \"2.3\"\ntopology: single\nmounts:\n  - path: /\n    type: ext4\n";

    public static LintResult Lint(string config, string? profile = null, bool includeSuppressed = false)
    {
        string dir = Path.Combine(Path.GetTempPath(), "mslint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string configPath = Path.Combine(dir, "dovecot.conf");
            File.WriteAllText(configPath, config);
            StorageProfile? storage = null;
            if (profile != null)
            {
                string profilePath = Path.Combine(dir, "mailstorage.yaml");
                File.WriteAllText(profilePath, profile);
                storage = StorageProfile.Load(profilePath);
            }

            return ConfigLinter.Lint(configPath, storage, new LintOptions { IncludeSuppressed = includeSuppressed });
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The rule fires, at this line of dovecot.conf, and nowhere else.</summary>
    public static LintDiagnostic AssertFires(LintResult result, string ruleId, int line)
    {
        var hits = result.Diagnostics.Where(d => d.RuleId == ruleId).ToList();
        Assert.True(hits.Count > 0, ruleId + " did not fire; found: " + string.Join("; ", result.Diagnostics));
        Assert.True(hits.All(h => h.Line == line), ruleId + " fired at " + string.Join(", ", hits.Select(h => h.Line)) + ", expected line " + line);
        Assert.All(hits, h => Assert.EndsWith("dovecot.conf", h.File, StringComparison.Ordinal));
        return hits[0];
    }

    /// <summary>
    /// The rule ran over a configuration Dovecot accepts and did not fire. Without the first two checks a config that
    /// did not parse (then only MSD000 runs), a rule missing from the catalog, or one that needs a profile linted
    /// without one would pass as "quiet" while proving nothing.
    /// </summary>
    public static void AssertQuiet(LintResult result, string ruleId)
    {
        Assert.True(
            result.Config.FatalError == null || ruleId == RuleIdentifiers.DovecotRefusesConfig,
            "the config did not parse, so " + ruleId + " never ran: " + result.Config.FatalError?.DoveconfText);
        Assert.True(result.Rules.Any(r => r.Id == ruleId), ruleId + " did not run (not in the catalog, or it needs a profile and none was given)");
        AssertNotReported(result, ruleId);
    }

    /// <summary>
    /// No finding of the rule, whether or not it ran: for the tests whose point is that it must not run (no profile, a
    /// config Dovecot refuses); they say why themselves.
    /// </summary>
    public static void AssertNotReported(LintResult result, string ruleId) =>
        Assert.True(result.Diagnostics.All(d => d.RuleId != ruleId), ruleId + " fired: " + string.Join("; ", result.Diagnostics.Where(d => d.RuleId == ruleId)));
}
