using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Mails or index files on NFS while <c>mail_fsync</c> is not <c>always</c>: the NFS client keeps written data
/// in its cache until close() or later, so another host sees it late, and a crash of the client loses writes
/// Dovecot already counted as done. Dovecot recommends <c>mail_fsync = always</c> for NFS. With users that can
/// reach several hosts (topology sticky or random) the other host really does read in the meantime: Error.
/// </summary>
public sealed class MSD011FsyncOnNfs : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD011FsyncOnNfs()
        : base(RuleIdentifiers.FsyncOnNfs, "mail_fsync is not always on NFS", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        string fsync = scope.Value("mail_fsync");
        if (fsync == "always" || scope.Profile == null)
        {
            yield break;
        }

        var path = scope.Paths.FirstOrDefault(p => (p.Role == StoragePathRole.Mail || p.Role == StoragePathRole.Index) && p.Mount != null && IsNfs(p.Mount.Traits.Kind));
        if (path == null)
        {
            yield break;
        }

        bool here = !scope.IsGlobal && scope.AssignsHere("mail_fsync");
        string where = here ? " for " + (scope.Protocol != null ? "protocol " + scope.Protocol : scope.Filter.ToString()) : string.Empty;
        bool multi = scope.Profile.Topology != Topology.Single;
        string what = path.Role == StoragePathRole.Mail ? "Mails" : "Index files";
        yield return new RuleFinding(scope.LocationOf("mail_fsync"),
            "mail_fsync is " + fsync + where + " while " + what.ToLowerInvariant() + " of " + path.Origin + " are on " + path.Mount!.Path + " (" + path.Mount.Traits.Description + "): " +
            "without fsync the NFS client holds writes in its cache, so " +
            (multi ? "another backend (topology " + scope.Profile.Topology.ToString().ToLowerInvariant() + ") reads stale indexes and misses new mail, and " : string.Empty) +
            "a client crash loses mail and flag changes Dovecot already reported as saved. Set mail_fsync = always.",
            multi ? RuleSeverity.Error : (RuleSeverity?)null);
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;
}
