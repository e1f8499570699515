using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Runs the rules over every scope of a configuration (the global settings and each filter's), applies the
/// profile's severity overrides and the configuration's suppression comments, and reports each finding once.
/// </summary>
public static class ConfigLinter
{
    /// <summary>Reads and lints a configuration.</summary>
    public static LintResult Lint(string configPath, StorageProfile? profile, LintOptions? options = null) =>
        Lint(ConfigReader.Read(configPath), profile, options);

    /// <summary>Lints a configuration already read.</summary>
    public static LintResult Lint(DovecotConfig config, StorageProfile? profile, LintOptions? options = null)
    {
        options ??= new LintOptions();
        var rules = (options.Rules ?? RuleCatalog.All).Where(r => profile != null || !r.NeedsProfile).ToList();
        var suppressions = Suppressions.From(config.Directives);

        var cache = new LintCache();

        // A configuration Dovecot cannot read gives nothing else to check.
        var scopes = config.FatalError != null
            ? new List<LintScope> { new LintScope(config, profile, config.Global, cache) }
            : config.Blocks.Select(b => new LintScope(config, profile, b, cache)).ToList();
        if (config.FatalError != null)
        {
            rules = rules.Where(r => r.Id == RuleIdentifiers.DovecotRefusesConfig).ToList();
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var diagnostics = new List<LintDiagnostic>();
        foreach (var rule in rules)
        {
            foreach (var scope in scopes)
            {
                foreach (var finding in rule.Analyze(scope))
                {
                    var at = finding.Location;
                    if (!seen.Add(rule.Id + "\0" + at.File + "\0" + at.Line + "\0" + at.Column + "\0" + finding.Message))
                    {
                        continue;
                    }

                    var severity = finding.Severity ?? rule.DefaultSeverity;
                    if (profile != null && profile.SeverityOverrides.TryGetValue(rule.Id, out var word))
                    {
                        if (word == "none")
                        {
                            continue;
                        }

                        severity = word == "error" ? RuleSeverity.Error : word == "warning" ? RuleSeverity.Warning : RuleSeverity.Info;
                    }

                    if (severity < options.MinimumSeverity)
                    {
                        continue;
                    }

                    string? reason = suppressions.ReasonFor(rule.Id, at.File, at.Line);
                    if (reason != null && !options.IncludeSuppressed)
                    {
                        continue;
                    }

                    diagnostics.Add(new LintDiagnostic(rule.Id, rule.Title, severity, finding.Message, at.File, at.Line, at.Column == 0 ? 1 : at.Column,
                        scope.Filter.ToString(), reason, reason != null));
                }
            }
        }

        var ordered = diagnostics
            .OrderBy(d => d.File, StringComparer.Ordinal)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ThenBy(d => d.RuleId, StringComparer.Ordinal)
            .ToList();
        return new LintResult(config, profile, rules, ordered);
    }
}
