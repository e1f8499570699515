using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>mail_nfs_index = yes</c> flushes NFS caches around index reads, which only helps when indexes are read
/// with read(), not through mmap: Dovecot refuses the combination ("mail_nfs_index=yes requires mmap_disable=yes").
/// </summary>
public sealed class MSD001NfsIndexRequiresMmapDisable : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD001NfsIndexRequiresMmapDisable()
        : base(RuleIdentifiers.NfsIndexRequiresMmapDisable, "mail_nfs_index=yes requires mmap_disable=yes", RuleSeverity.Error, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.IsYes("mail_nfs_index") && !scope.IsYes("mmap_disable"))
        {
            string where = scope.IsGlobal ? string.Empty : " for " + scope.Filter;
            yield return new RuleFinding(scope.LocationOf("mmap_disable"),
                "mail_nfs_index=yes requires mmap_disable=yes" + where + ": the NFS cache flushes cannot reach mmap()ed index files, " +
                "so Dovecot refuses to start. Set mmap_disable = yes (or, with users pinned to one backend, drop mail_nfs_index).");
        }
    }
}
