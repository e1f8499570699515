using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>mail_nfs_index</c> or <c>mail_nfs_storage</c> is <c>yes</c> although the profile says each user is served by
/// one host at a time (topology single or sticky). The flushes exist only for several hosts touching the same
/// user at once; otherwise they cost NFS round trips on every access, and Dovecot's NFS documentation says not
/// to set them ("not a supported way of running Dovecot").
/// </summary>
public sealed class MSD013NfsFlushesWithStickyUsers : ConfigRule
{
    private static readonly string[] Settings = { "mail_nfs_index", "mail_nfs_storage" };

    /// <summary>Creates the rule.</summary>
    public MSD013NfsFlushesWithStickyUsers()
        : base(RuleIdentifiers.NfsFlushesWithStickyUsers, "mail_nfs_* with users pinned to one host", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.Profile == null || scope.Profile.Topology == Topology.Random)
        {
            yield break;
        }

        string topology = scope.Profile.Topology == Topology.Single ? "single (one host uses the storage)" : "sticky (each user is pinned to one backend)";
        foreach (var name in Settings)
        {
            if (!scope.IsYes(name))
            {
                continue;
            }

            bool here = !scope.IsGlobal && scope.AssignsHere(name);
            string where = here ? " for " + (scope.Protocol != null ? "protocol " + scope.Protocol : scope.Filter.ToString()) : string.Empty;
            yield return new RuleFinding(scope.LocationOf(name),
                name + " = yes" + where + " while the storage profile's topology is " + topology + ": the cache flushes only matter when two hosts " +
                "access the same user at once, so here they only add NFS round trips to every index or mail access (slower IMAP, more load on the " +
                "NFS server), and Dovecot's NFS documentation calls this an unsupported way to run Dovecot. Set " + name + " = no.");
        }
    }
}
