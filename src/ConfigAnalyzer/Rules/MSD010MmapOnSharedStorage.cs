using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Index files on NFS, a cluster filesystem or FUSE while <c>mmap_disable</c> is not <c>yes</c>: a mapping
/// does not see writes made through another client, so indexes go stale or corrupt.
/// </summary>
public sealed class MSD010MmapOnSharedStorage : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD010MmapOnSharedStorage()
        : base(RuleIdentifiers.MmapOnSharedStorage, "mmap of index files on shared storage", RuleSeverity.Error, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.IsYes("mmap_disable"))
        {
            yield break;
        }

        var path = scope.PathsOf(StoragePathRole.Index).FirstOrDefault(p => p.Mount != null && !p.Mount.Traits.MmapCoherent);
        if (path != null)
        {
            yield return new RuleFinding(scope.LocationOf("mmap_disable"),
                "Index files of " + path.Origin + " are on " + path.Mount!.Path + " (" + path.Mount.Traits.Description + "), where a memory mapping " +
                "does not see writes made by another client; with mmap_disable = no the indexes go stale and corrupt. Set mmap_disable = yes.");
        }
    }
}
