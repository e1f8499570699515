using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>lock_method = fcntl</c> (the default) while index, control or volatile files are on a shared mount where fcntl
/// locks are not seen by other hosts: NFS with <c>nolock</c> or <c>local_lock=all/posix</c>, CIFS, FUSE filesystems
/// without lock forwarding. Two hosts then both get the lock and write the same files. With one host only this
/// is harmless; with pinned users (sticky) it is a documented, slightly unsafe optimization (Warning); with a
/// random topology it is an Error. On NFSv2/3 fcntl works only while lockd/statd run on client and server,
/// which the configuration cannot show: Warning.
/// </summary>
public sealed class MSD021FcntlHostLocal : ConfigRule
{
    private static readonly StoragePathRole[] LockedRoles = { StoragePathRole.Index, StoragePathRole.Control, StoragePathRole.Volatile };

    /// <summary>Creates the rule.</summary>
    public MSD021FcntlHostLocal()
        : base(RuleIdentifiers.FcntlHostLocal, "fcntl locks that other hosts do not see", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var profile = scope.Profile;
        if (profile == null || scope.Value("lock_method") != "fcntl")
        {
            yield break;
        }

        var candidates = scope.Paths.Where(p => LockedRoles.Contains(p.Role) && p.Mount != null && p.Mount.Traits.Shared).ToList();
        bool here = !scope.IsGlobal && scope.AssignsHere("lock_method");
        string where = here ? " for " + (scope.Protocol != null ? "protocol " + scope.Protocol : scope.Filter.ToString()) : string.Empty;
        string method = "lock_method = fcntl" + where + (scope.Assigned("lock_method") == null ? " (the default)" : string.Empty);

        var local = candidates.FirstOrDefault(p => p.Mount!.Traits.Fcntl == CrossHostLocking.No);
        if (local != null && profile.IsMultiHost)
        {
            bool random = profile.Topology == Topology.Random;
            yield return new RuleFinding(scope.LocationOf("lock_method"),
                method + " while " + Describe(local.Role) + " of " + local.Origin + " are on " + local.Mount!.Path + " (" + Why(local.Mount) + "): " +
                "fcntl locks there only exclude processes on the same host, so " +
                (random
                    ? "two backends serving the same user both take the lock and write the same index and uidlist files at once: corrupted indexes, lost flags, reused UIDs. "
                    : "this is safe only while each user stays on one backend; a user moved to another host, or a delivery or doveadm run on another host, writes the same files unlocked. ") +
                "Use a mount with working cross-host locks (NFS without nolock/local_lock, with lockd; or NFSv4) or lock_method = dotlock.",
                random ? RuleSeverity.Error : RuleSeverity.Warning);
            yield break;
        }

        var lockd = candidates.FirstOrDefault(p => p.Mount!.Traits.Fcntl == CrossHostLocking.WithLockd);
        if (lockd != null)
        {
            yield return new RuleFinding(scope.LocationOf("lock_method"),
                method + " while " + Describe(lockd.Role) + " of " + lockd.Origin + " are on " + lockd.Mount!.Path + " (" + lockd.Mount.Traits.Description + "): " +
                "NFSv2/3 carries fcntl locks through the separate lock manager (lockd/rpc.statd). Where it is not running on the client and the server, " +
                "locking fails (\"No locks available\") or, on other hosts, excludes nothing. Make sure rpc.statd/lockd run on every Dovecot host " +
                "and on the NFS server, or use NFSv4, or lock_method = dotlock.");
        }
    }

    private static string Why(MountDefinition mount)
    {
        if (mount.HasOption("nolock"))
        {
            return mount.Traits.Description + ", mounted with nolock";
        }

        string? localLock = mount.Option("local_lock");
        return localLock != null ? mount.Traits.Description + ", mounted with local_lock=" + localLock : mount.Traits.Description + ", no cross-host fcntl locks";
    }

    private static string Describe(StoragePathRole role) => role switch
    {
        StoragePathRole.Index => "index files",
        StoragePathRole.Control => "control files",
        _ => "volatile (lock) files",
    };
}
