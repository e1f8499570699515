using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// An NFS mount under a mail location with the attribute cache turned off (<c>actimeo=0</c> or <c>noac</c>).
/// Every file access then asks the server for fresh attributes (and noac also makes writes synchronous):
/// "performance MUCH worse" and far more server load. With users pinned to one host (single, sticky) nothing
/// needs it, and Dovecot's documentation recommends actimeo of at least 60 s: Warning. With users not pinned
/// (random) it is one of the documented ways to limit the damage: Info.
/// </summary>
public sealed class MSD055NfsAttributeCacheOff : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD055NfsAttributeCacheOff()
        : base(RuleIdentifiers.NfsAttributeCacheOff, "NFS attribute cache off with pinned users", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var profile = scope.Profile;
        if (profile == null)
        {
            yield break;
        }

        var off = scope.Paths.Where(p => p.Role != StoragePathRole.Volatile && p.Mount != null && IsNfs(p.Mount.Traits.Kind) && CacheOff(p.Mount) != null);
        foreach (var group in off.GroupBy(p => (p.Location, p.Mount!.Path)))
        {
            var first = group.First();
            string option = CacheOff(first.Mount!)!;
            string head = first.Origin + " uses " + first.Mount + ", mounted with " + option + ": the NFS client asks the server for fresh attributes " +
                "on every file access" + (option == "noac" ? " and writes synchronously" : string.Empty) + ", which makes mailbox access much slower " +
                "and multiplies the load on the NFS server.";
            if (profile.Topology == Topology.Random)
            {
                yield return new RuleFinding(first.Location, head + " With users reaching several hosts at once (topology random) this is one of the ways " +
                    "to see other hosts' changes sooner, so it is a deliberate trade-off; pinning users to one backend and using actimeo=60 is the " +
                    "supported setup.", RuleSeverity.Info);
            }
            else
            {
                string who = profile.Topology == Topology.Sticky ? "users are pinned to one host (topology sticky)" : "one host uses the storage (topology single)";
                yield return new RuleFinding(first.Location, head + " Here " + who + ", so no other client changes a user's files behind this host's " +
                    "back and the cache costs nothing in correctness. Remove " + option + " and use actimeo=60 or more, as Dovecot's NFS documentation recommends.");
            }
        }
    }

    private static string? CacheOff(MountDefinition mount) =>
        mount.HasOption("noac") ? "noac" : string.Equals(mount.Option("actimeo"), "0", StringComparison.Ordinal) ? "actimeo=0" : null;

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;
}
