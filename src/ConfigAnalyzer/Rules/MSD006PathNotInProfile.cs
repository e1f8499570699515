using System;
using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// A mail, index or control path whose mount the storage profile cannot tell: it is in the user's home
/// (which only the userdb knows), relative, under no listed mount, or lands on different mounts depending on
/// the user. Every rule that depends on the filesystem skips such a path, so the lint says less than it could.
/// </summary>
public sealed class MSD006PathNotInProfile : ConfigRule
{
    private static readonly StoragePathRole[] Roles = { StoragePathRole.Mail, StoragePathRole.Index, StoragePathRole.Control };

    /// <summary>Creates the rule.</summary>
    public MSD006PathNotInProfile()
        : base(RuleIdentifiers.PathNotInProfile, "Mail path not placed by the storage profile", RuleSeverity.Info, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.Profile == null)
        {
            yield break;
        }

        // One finding per path of a location: with no INDEX= or CONTROL=, the three roles share the mail root.
        var unresolved = scope.Paths
            .Where(p => p.Unresolved != null && !p.IsMemory && Roles.Contains(p.Role))
            .GroupBy(p => (p.Origin, p.Location, p.Template, p.Unresolved));
        foreach (var group in unresolved)
        {
            var names = group.Select(p => Describe(p.Role)).Distinct().ToList();
            string roles = names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
            string reason = group.Key.Unresolved!;
            string fix = reason.Contains("under no mount", StringComparison.Ordinal) ? " List the mount that holds it in the storage profile."
                : reason.Contains("depending on the user", StringComparison.Ordinal) ? " Give the profile one mount above the first %-variable, or accept that these checks skip the path."
                : reason.Contains("not an absolute path", StringComparison.Ordinal) ? " Use an absolute path." : string.Empty;
            yield return new RuleFinding(group.Key.Location,
                "Cannot tell which mount holds the " + roles + " of " + group.Key.Origin + " ('" + group.Key.Template + "'): " + reason +
                ". The storage checks (mmap, fsync and locking on shared storage) skip this path, so problems there go unreported." + fix);
        }
    }

    private static string Describe(StoragePathRole role) => role switch
    {
        StoragePathRole.Mail => "mails",
        StoragePathRole.Index => "index files",
        _ => "control files",
    };
}
