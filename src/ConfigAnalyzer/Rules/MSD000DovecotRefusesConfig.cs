using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Dovecot itself refuses the configuration: doveconf cannot parse it, or it fails one of the checks Dovecot
/// runs at startup (a filter conflict, a cross-setting check). Nothing starts with such a configuration.
/// </summary>
public sealed class MSD000DovecotRefusesConfig : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD000DovecotRefusesConfig()
        : base(RuleIdentifiers.DovecotRefusesConfig, "Dovecot refuses this configuration", RuleSeverity.Error, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (!scope.IsGlobal)
        {
            yield break;
        }

        foreach (var diagnostic in scope.Config.Diagnostics)
        {
            if (diagnostic.Severity == ConfigDiagnosticSeverity.Fatal || diagnostic.Severity == ConfigDiagnosticSeverity.CheckFailed)
            {
                var at = diagnostic.Location ?? new SourceLocation(scope.Config.Path, 1, 1);
                yield return new RuleFinding(at, "Dovecot refuses this configuration: " + diagnostic.DoveconfText +
                    ". dovecot, doveadm and every login fail until it is fixed.");
            }
        }
    }
}
