using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Mail or indexes on GlusterFS or another FUSE filesystem that several hosts mount, with users not pinned to one
/// host. FUSE caches dentries and attributes, so each client sees the others' changes late (about 1 s on GlusterFS
/// in our measurements, ESTALE after a rename) and plain FUSE filesystems (sshfs, bindfs) do not forward locks at
/// all. Warning for topology random; Info for sticky, where only a move between hosts meets the stale caches.
/// The documented mitigation is <c>mail_nfs_index</c>/<c>mail_nfs_storage</c>, which need MSD001/MSD002's settings.
/// </summary>
public sealed class MSD051FuseMultiClient : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD051FuseMultiClient()
        : base(RuleIdentifiers.FuseMultiClient, "GlusterFS or FUSE with several clients and users not pinned", RuleSeverity.Warning, needsProfile: true)
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

        var onFuse = scope.Paths.Where(p => p.Role != StoragePathRole.Volatile && p.Mount != null &&
            (p.Mount.Traits.Kind == FileSystemKind.GlusterFs || p.Mount.Traits.Kind == FileSystemKind.Fuse));
        foreach (var group in onFuse.GroupBy(p => (p.Location, p.Mount!.Path)))
        {
            var first = group.First();
            var mount = first.Mount!;
            string locks = mount.Traits.Fcntl == CrossHostLocking.No
                ? " This FUSE filesystem also grants locks no other client sees, so hosts do not exclude each other at all."
                : string.Empty;
            string what = first.Origin + " keeps " + Join(group.Select(p => Role(p.Role)).Distinct().ToList()) +
                " on " + mount + ". FUSE caches directory entries and attributes on each client, so a host sees another host's changes late " +
                "(about a second on GlusterFS, with ESTALE after a rename).";
            if (profile.Topology == Topology.Random)
            {
                bool flushes = scope.IsYes("mail_nfs_index") && scope.IsYes("mail_nfs_storage");
                string fix = flushes
                    ? " mail_nfs_index and mail_nfs_storage are on, which limits the damage but is documented as probably not working perfectly: pin users to one backend."
                    : " Pin users to one backend (proxy with host=, director). If that is impossible, set mail_nfs_index = yes and mail_nfs_storage = yes, " +
                      "whose NFS cache flushes happen to work on FUSE too, together with mmap_disable = yes (MSD001) and mail_fsync = always (MSD002).";
                yield return new RuleFinding(first.Location, what + " With users reaching several hosts at once (topology random), sessions work on " +
                    "stale mailbox state: mail shows up late or twice, flags revert, and indexes get corrupted." + locks + fix);
            }
            else
            {
                yield return new RuleFinding(first.Location, what + " With users pinned to one host (topology sticky) this only matters right after a " +
                    "user moves to another host; keep moves rare and let sessions on the old host end first." + locks, RuleSeverity.Info);
            }
        }
    }

    private static string Role(StoragePathRole role) => role switch
    {
        StoragePathRole.Mail => "the mail",
        StoragePathRole.Index => "the indexes",
        StoragePathRole.Control => "the control files",
        StoragePathRole.ListIndex => "the mailbox list index",
        _ => "the alternative storage (ALT)",
    };

    private static string Join(List<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[items.Count - 1];
}
