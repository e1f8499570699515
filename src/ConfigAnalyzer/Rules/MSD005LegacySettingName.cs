using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// A setting name (or filter, service or value) of an older Dovecot that doveconf 2.3 still translates, warning
/// "Obsolete setting" at every start: <c>fsync_disable</c>, <c>mail_cache_compress_*</c>, <c>ssl_protocols</c>,
/// 1.x process settings... The translation is gone in later versions, and the config no longer says what runs.
/// Names doveconf rejects outright (<c>default_mail_env</c>, <c>mmap_no_write</c>) are MSD000's.
/// </summary>
public sealed class MSD005LegacySettingName : ConfigRule
{
    private static readonly Regex Obsolete = new Regex(@"^Obsolete setting in .*?:[0-9]+: (?<text>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>Creates the rule.</summary>
    public MSD005LegacySettingName()
        : base(RuleIdentifiers.LegacySettingName, "Obsolete setting name", RuleSeverity.Warning, needsProfile: false)
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
            var match = diagnostic.Severity == ConfigDiagnosticSeverity.Warning ? Obsolete.Match(diagnostic.Message) : Match.Empty;
            if (!match.Success)
            {
                continue;
            }

            string text = match.Groups["text"].Value;
            var at = diagnostic.Location ?? new SourceLocation(scope.Config.Path, 1, 1);
            string modern = Translation(scope, at);
            string fix = modern.Length > 0
                ? "Write `" + modern + "` instead (that is what doveconf reads it as)."
                : text.Contains("no longer", StringComparison.Ordinal) || text.Contains("removed", StringComparison.Ordinal)
                    ? "Delete the line."
                    : "Rewrite it as the message says; `doveconf -Pn` prints the translated configuration.";
            yield return new RuleFinding(at,
                "Obsolete setting: " + text + ". doveconf translates it and logs this warning at every start, Dovecot 2.4 no longer does " +
                "(the setting is then refused and the service does not start), and the file no longer shows the setting that is really in effect. " + fix);
        }
    }

    // The setting doveconf assigned in place of the obsolete line (same file and line), as "name = value".
    private static string Translation(LintScope scope, SourceLocation at)
    {
        foreach (var block in scope.Config.Blocks)
        {
            var value = block.Root.Values.FirstOrDefault(v => v.Location.File == at.File && v.Location.Line == at.Line);
            if (value != null)
            {
                string assignment = value.Name + " = " + value.Value;
                return block.Filter.IsGlobal ? assignment : (block.Filter.Protocol != null ? "protocol " + block.Filter.Protocol : block.Filter.ToString()) + " { " + assignment + " }";
            }
        }

        return string.Empty;
    }
}
