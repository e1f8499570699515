using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Mail or indexes on a cluster filesystem (GFS2, OCFS2). Dovecot's shared-disk notes: mmap() "may not work with
/// all clustered filesystems", so use <c>mmap_disable = yes</c> unless benchmarks on that cluster say otherwise;
/// and where fcntl locks are unsupported or slow on it, <c>lock_method = flock</c> is the documented alternative
/// (dotlocks are used for some locks regardless). Info, quiet once mmap is disabled and lock_method chosen.
/// </summary>
public sealed class MSD052ClusterFilesystem : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD052ClusterFilesystem()
        : base(RuleIdentifiers.ClusterFilesystem, "Cluster filesystem (GFS2, OCFS2) notes", RuleSeverity.Info, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var path = scope.Paths.FirstOrDefault(p => p.Role != StoragePathRole.Volatile && p.Mount != null &&
            (p.Mount.Traits.Kind == FileSystemKind.Gfs2 || p.Mount.Traits.Kind == FileSystemKind.Ocfs2));
        if (path == null)
        {
            yield break;
        }

        bool mmapOff = scope.IsYes("mmap_disable");
        var lockMethod = scope.Assigned("lock_method");
        if (mmapOff && lockMethod != null)
        {
            yield break;
        }

        var notes = new List<string>();
        if (!mmapOff)
        {
            notes.Add("mmap_disable is not yes: a memory mapping of the index files may not see other nodes' writes on a cluster filesystem " +
                "(stale flags, \"Corrupted index file\"), so set mmap_disable = yes unless a benchmark on this cluster shows mmap works and is faster");
        }

        if (lockMethod == null)
        {
            notes.Add("lock_method is left at fcntl: that is right when the cluster's lock manager serves fcntl locks well; if they are unsupported or " +
                "slow there (slow logins and deliveries under load), lock_method = flock is the documented alternative; Dovecot uses dotlocks " +
                "for some locks either way");
        }

        var at = !mmapOff ? scope.Assigned("mmap_disable")?.Location ?? path.Location : path.Location;
        yield return new RuleFinding(at,
            path.Origin + " is on " + path.Mount + ", a cluster filesystem. " + string.Join(". ", notes) + ".");
    }
}
