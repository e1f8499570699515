using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// A mail location's mail, index or control files on an NFS mount without <c>noatime</c>. Dovecot never reads
/// access times, and keeping them current is work for the NFS server on every read; Dovecot's NFS documentation
/// recommends noatime.
/// </summary>
public sealed class MSD054NfsWithoutNoatime : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD054NfsWithoutNoatime()
        : base(RuleIdentifiers.NfsWithoutNoatime, "NFS without noatime", RuleSeverity.Info, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var onNfs = scope.Paths.Where(p => p.Role != StoragePathRole.Volatile && p.Mount != null && IsNfs(p.Mount.Traits.Kind) && !p.Mount.HasOption("noatime"));
        foreach (var group in onNfs.GroupBy(p => (p.Location, p.Mount!.Path)))
        {
            var first = group.First();
            yield return new RuleFinding(first.Location,
                first.Origin + " uses " + first.Mount + ", mounted without noatime. Dovecot never reads access times, so updating them on every " +
                "read of a mail or index file is wasted work that slows the NFS server down. Add noatime to the mount options.");
        }
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;
}
