using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Index or control files on NFS, users not shared between hosts at once (topology single or sticky), and no
/// <c>VOLATILEDIR=</c> in the mail location: lock files and other short-lived files are created, checked and
/// removed over NFS. Dovecot's NFS page lists pointing VOLATILEDIR at a host-local tmpfs as an optimization
/// for exactly this setup (with random users it would break locking, see MSD026).
/// </summary>
public sealed class MSD025NoVolatileDir : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD025NoVolatileDir()
        : base(RuleIdentifiers.NoVolatileDir, "No VOLATILEDIR with files on NFS", RuleSeverity.Info, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.Profile == null || scope.Profile.Topology == Topology.Random)
        {
            yield break;
        }

        var byLocation = scope.Paths
            .Where(p => p.MailLocation.VolatilePath == null && (p.Role == StoragePathRole.Index || p.Role == StoragePathRole.Control) && p.Mount != null && IsNfs(p.Mount.Traits.Kind))
            .GroupBy(p => (p.Origin, p.Location));
        foreach (var group in byLocation)
        {
            var path = group.First();
            yield return new RuleFinding(group.Key.Location,
                group.Key.Origin + " has no VOLATILEDIR= while its " + (group.Count() > 1 || path.Role == StoragePathRole.Index ? "index" : "control") + " files are on " +
                path.Mount!.Path + " (" + path.Mount.Traits.Description + "): lock files such as mailboxes.lock and other short-lived files are " +
                "created, checked and removed over NFS, each a round trip to the server. With users pinned to one host, put them on local tmpfs: " +
                "append :VOLATILEDIR=/dev/shm/dovecot/%u to the location (Dovecot 2.2.32 or later).");
        }
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;
}
