using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>lock_method = flock</c> while index, control or volatile files are on NFS. Dovecot's documentation says flock
/// "doesn't work" with NFS: old clients and BSDs lock only on the local host, and since Linux 2.6.12 the client
/// emulates flock() with whole-file POSIX locks, which then conflict with fcntl locks on the same files.
/// </summary>
public sealed class MSD020FlockOnNfs : ConfigRule
{
    private static readonly StoragePathRole[] LockedRoles = { StoragePathRole.Index, StoragePathRole.Control, StoragePathRole.Volatile };

    /// <summary>Creates the rule.</summary>
    public MSD020FlockOnNfs()
        : base(RuleIdentifiers.FlockOnNfs, "lock_method=flock on NFS", RuleSeverity.Error, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.Value("lock_method") != "flock")
        {
            yield break;
        }

        var path = scope.Paths.FirstOrDefault(p => LockedRoles.Contains(p.Role) && p.Mount != null && IsNfs(p.Mount.Traits.Kind));
        if (path == null)
        {
            yield break;
        }

        bool here = !scope.IsGlobal && scope.AssignsHere("lock_method");
        string where = here ? " for " + (scope.Protocol != null ? "protocol " + scope.Protocol : scope.Filter.ToString()) : string.Empty;
        yield return new RuleFinding(scope.LocationOf("lock_method"),
            "lock_method = flock" + where + " while " + Describe(path.Role) + " of " + path.Origin + " are on " + path.Mount!.Path + " (" + path.Mount.Traits.Description +
            "): flock does not work on NFS. Older clients lock only on the local host, so two hosts write the same index at once; Linux emulates it " +
            "with whole-file POSIX locks that collide with fcntl locks. Either way indexes get corrupted or processes wait on locks. " +
            "Use lock_method = fcntl (with lockd on NFSv2/3, or NFSv4) or lock_method = dotlock.");
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;

    private static string Describe(StoragePathRole role) => role switch
    {
        StoragePathRole.Index => "index files",
        StoragePathRole.Control => "control files",
        _ => "volatile (lock) files",
    };
}
