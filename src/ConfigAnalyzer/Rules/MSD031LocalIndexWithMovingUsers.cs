using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Maildir or mbox with the mail on storage several hosts share, but INDEX= on a host-local mount, while users
/// are served by more than one host. Each host then has its own copy of the indexes: whenever a user reaches
/// another host, that host rebuilds them from the mail files (slow mailbox opens, caches lost), and flag changes
/// made elsewhere show up late. Warning when users are not pinned to one host (random), Info when they are
/// (sticky), where only a move or a failover costs a rebuild.
/// </summary>
public sealed class MSD031LocalIndexWithMovingUsers : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD031LocalIndexWithMovingUsers()
        : base(RuleIdentifiers.LocalIndexWithMovingUsers, "Maildir/mbox indexes on local disk while users move between hosts", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var profile = scope.Profile;
        if (profile == null || profile.Topology == Topology.Single)
        {
            yield break;
        }

        foreach (var index in scope.PathsOf(StoragePathRole.Index))
        {
            string? driver = index.MailLocation.Driver;
            if ((driver != "maildir" && driver != "mbox") || index.IsMemory || index.Mount == null || index.IsShared)
            {
                continue;
            }

            var mail = scope.PathsOf(StoragePathRole.Mail).FirstOrDefault(p => ReferenceEquals(p.MailLocation, index.MailLocation));
            if (mail == null || !mail.IsShared)
            {
                continue;
            }

            bool random = profile.Topology == Topology.Random;
            string head = index.Origin + " keeps the " + driver + " mail on shared " + mail.Mount + " but its indexes (INDEX=" + index.Template + ") on host-local " +
                index.Mount + ", so every host keeps its own copy. ";
            yield return random
                ? new RuleFinding(index.Location, head +
                    "With users not pinned to one host (topology random), each host rebuilds the indexes whenever the user shows up there: mailboxes open slowly, " +
                    "the cache is lost, and flag changes made through another host show up late. Keep the indexes on the shared storage " +
                    "(drop INDEX= or point it there), or pin users to one backend.")
                : new RuleFinding(index.Location, head +
                    "Users are pinned to one host (topology sticky), so this only costs a full index rebuild when a user moves to another host " +
                    "(failover, rebalancing): slow first login there, and the old host's copy is stale if the user comes back.", RuleSeverity.Info);
        }
    }
}
