using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// The profile says what the storage needs (<c>requires:</c>, usually measured by Test-MailStorageCapability on
/// the real mounts) and the configuration gives a setting another value. Measured facts beat catalog
/// knowledge: this is how a probe on the host and a lint in CI meet.
/// </summary>
public sealed class MSD007StorageRequirementNotMet : ConfigRule
{
    // Settings whose wrong value corrupts indexes or lets locks fail: errors. The rest cost safety or speed.
    private static readonly HashSet<string> Critical = new HashSet<string>(System.StringComparer.Ordinal)
    {
        "mmap_disable", "lock_method", "dotlock_use_excl",
    };

    /// <summary>Creates the rule.</summary>
    public MSD007StorageRequirementNotMet()
        : base(RuleIdentifiers.StorageRequirementNotMet, "the configuration differs from what the storage needs", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        foreach (var requirement in scope.Profile!.Requirements)
        {
            string configured = scope.Value(requirement.Setting);
            if (configured == requirement.Value)
            {
                continue;
            }

            string where = !scope.IsGlobal && scope.AssignsHere(requirement.Setting) ? " for " + scope.Filter : string.Empty;
            string why = requirement.Reason.Length > 0 ? requirement.Reason : "the storage profile requires it";
            yield return new RuleFinding(scope.LocationOf(requirement.Setting),
                requirement.Setting + " is '" + configured + "'" + where + ", but this storage needs " + requirement.Setting + " = " + requirement.Value +
                " (" + why + ", " + scope.Profile.SourcePath + ":" + requirement.Location.Line + "). Set " + requirement.Setting + " = " + requirement.Value + ".",
                Critical.Contains(requirement.Setting) ? RuleSeverity.Error : (RuleSeverity?)null);
        }
    }
}
