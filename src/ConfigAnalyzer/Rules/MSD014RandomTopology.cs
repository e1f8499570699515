using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// The profile says users are not pinned to one backend (topology random): the same mailbox is opened by
/// several hosts at once, over storage whose caches and locks do not make that safe. Dovecot does not support
/// this and its documentation calls index corruption "almost guaranteed". The finding lists the documented
/// damage limiters that the configuration still lacks.
/// </summary>
public sealed class MSD014RandomTopology : ConfigRule
{
    private static readonly string[] DeliveryProtocols = { "lda", "lmtp" };

    /// <summary>Creates the rule.</summary>
    public MSD014RandomTopology()
        : base(RuleIdentifiers.RandomTopology, "Users not pinned to one backend", RuleSeverity.Error, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (!scope.IsGlobal || scope.Profile == null || scope.Profile.Topology != Topology.Random)
        {
            yield break;
        }

        // Several hosts on host-local disks share nothing: there is nothing for them to corrupt together.
        var shared = scope.Paths.FirstOrDefault(p => p.IsShared);
        if (shared == null && !scope.Profile.Mounts.Any(m => m.Traits.Shared))
        {
            yield break;
        }

        var missing = new List<string>();
        if (!scope.IsYes("mail_nfs_index") || !scope.IsYes("mail_nfs_storage"))
        {
            missing.Add("mail_nfs_index = yes and mail_nfs_storage = yes (with mmap_disable = yes, mail_fsync = always)");
        }

        missing.Add("source-IP affinity on the load balancer");
        if (scope.Value("lock_method") != "dotlock")
        {
            missing.Add("working lockd on every host and the NFS server (or lock_method = dotlock)");
        }

        if (scope.MailLocations().Any(l => l.Location.IsDbox))
        {
            missing.Add("Maildir instead of dbox (dbox keeps flags only in the indexes)");
        }

        bool deliveryInMemory = DeliveryProtocols.All(p =>
            MailLocation.Parse(scope.Config.GetValue("mail_location", new ConfigFilter(p, null, null, null)) ?? string.Empty).IndexInMemory);
        if (!deliveryInMemory)
        {
            missing.Add("INDEX=MEMORY in mail_location for protocol lmtp and lda");
        }

        var at = shared?.Location ?? scope.Anchor;
        yield return new RuleFinding(at,
            "The storage profile's topology is random: the same user can be served by several backends at once" +
            (shared != null ? " over " + shared.Mount!.Path + " (" + shared.Mount.Traits.Description + ")" : string.Empty) +
            ". Each host caches and locks the indexes on its own, so index and uidlist corruption, lost flags and duplicated or vanished mail are " +
            "almost guaranteed, and Dovecot does not support it. Pin every user to one backend (proxy with host= in the passdb, director on 2.3, " +
            "LMTP proxying for deliveries). Until then limit the damage: " + string.Join("; ", missing) + ".");
    }
}
