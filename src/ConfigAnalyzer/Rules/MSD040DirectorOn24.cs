using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// A configuration for Dovecot 2.4 (per the storage profile) that still assigns <c>director_*</c> settings or
/// configures <c>service director</c>. Director was removed in 2.4, so these are unknown there and Dovecot
/// refuses to start; users are no longer pinned to one backend either. An opened but empty
/// <c>service director { }</c> (Debian's conf.d/10-director.conf) does not count.
/// </summary>
public sealed class MSD040DirectorOn24 : ConfigRule
{
    private const string Replacement = "Pin users with a proxy that returns a fixed host= from the passdb (or the Lua director howto), " +
        "or keep running Dovecot 2.3 on the directors.";

    /// <summary>Creates the rule.</summary>
    public MSD040DirectorOn24()
        : base(RuleIdentifiers.DirectorOn24, "director on Dovecot 2.4", RuleSeverity.Error, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.Profile == null || scope.Profile.DovecotVersion != "2.4")
        {
            yield break;
        }

        foreach (var setting in scope.Effective.Values.Where(v => v.Name.StartsWith("director_", StringComparison.Ordinal)))
        {
            yield return new RuleFinding(setting.Location,
                setting.Name + " is set, but the storage profile says Dovecot 2.4, which removed director: 2.4 does not know the setting and " +
                "refuses to start, and users are no longer pinned to one backend. " + Replacement);
        }

        foreach (var service in scope.Sections("service").Where(s => s.Name == "director" && HasAssignments(s)))
        {
            yield return new RuleFinding(service.Location,
                "service director is configured, but the storage profile says Dovecot 2.4, which removed director: 2.4 refuses the section, " +
                "and without director users are no longer pinned to one backend. Remove the section. " + Replacement);
        }
    }

    // Opening a section assigns only its name; an empty section (or one with empty listeners) configures nothing.
    private static bool HasAssignments(SettingsNode node) =>
        node.Values.Any(v => v.Name != node.Definition.NameSetting) || node.Children.Any(HasAssignments);
}
