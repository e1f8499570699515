using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>VOLATILEDIR=</c> or a <c>LISTINDEX=</c> directory on a host-local filesystem (tmpfs, local disk) while users
/// can reach several backends at once (topology random). The lock files there are seen by one host only, so the
/// hosts no longer exclude each other, and the mailbox list index each host keeps goes stale when the other
/// hosts change the mailboxes.
/// </summary>
public sealed class MSD026LocalVolatileWithRandomTopology : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD026LocalVolatileWithRandomTopology()
        : base(RuleIdentifiers.LocalVolatileWithRandomTopology, "Host-local VOLATILEDIR or LISTINDEX with users not pinned", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.Profile == null || scope.Profile.Topology != Topology.Random)
        {
            yield break;
        }

        foreach (var path in scope.Paths.Where(p => (p.Role == StoragePathRole.Volatile || p.Role == StoragePathRole.ListIndex) && p.Mount != null && !p.Mount.Traits.Shared))
        {
            bool isVolatile = path.Role == StoragePathRole.Volatile;
            yield return new RuleFinding(path.Location,
                (isVolatile ? "VOLATILEDIR=" : "LISTINDEX=") + path.Template + " of " + path.Origin + " is on " + path.Mount!.Path + " (" + path.Mount.Traits.Description +
                ", local to each host) while the storage profile's topology is random: " +
                (isVolatile
                    ? "the lock files there are seen by one host only, so two backends serving the same user both take the lock (e.g. mailboxes.lock) and change the mailbox list at once. "
                    : "each host keeps its own mailbox list index, which goes stale when the user creates, renames or deletes mailboxes through another host: clients see missing or deleted folders. ") +
                "Use host-local " + (isVolatile ? "volatile" : "list index") + " paths only with users pinned to one backend, or keep them on the shared storage" +
                (isVolatile ? "." : "; clean up LISTINDEX when a user changes host."));
        }
    }
}
