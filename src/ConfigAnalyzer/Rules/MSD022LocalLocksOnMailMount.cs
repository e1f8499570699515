using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// An NFS mount that holds mail data (the mail root, control files or ALT storage, not only indexes) is
/// mounted with <c>nolock</c> or <c>local_lock=all</c>, and more than one host uses the storage. Locks on the
/// mails and uidlists then exclude nothing on the other hosts. Dovecot's NFS page allows these options only as
/// a "slightly unsafe optimization" for a mount that holds indexes alone.
/// </summary>
public sealed class MSD022LocalLocksOnMailMount : ConfigRule
{
    private static readonly StoragePathRole[] DataRoles = { StoragePathRole.Mail, StoragePathRole.Control, StoragePathRole.Alt };

    /// <summary>Creates the rule.</summary>
    public MSD022LocalLocksOnMailMount()
        : base(RuleIdentifiers.LocalLocksOnMailMount, "nolock/local_lock on a mount that holds mail", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.Profile == null || !scope.Profile.IsMultiHost)
        {
            yield break;
        }

        foreach (var group in scope.Paths.Where(p => DataRoles.Contains(p.Role) && p.Mount != null && LocalOption(p.Mount) != null).GroupBy(p => (p.Origin, p.Location, p.Mount)))
        {
            var mount = group.Key.Mount!;
            string roles = string.Join(" and ", group.Select(p => p.Role == StoragePathRole.Mail ? "mails" : p.Role == StoragePathRole.Control ? "control files (dovecot-uidlist)" : "ALT storage").Distinct());
            yield return new RuleFinding(group.Key.Location,
                "The " + roles + " of " + group.Key.Origin + " are on " + mount.Path + " (" + mount.Traits.Description + "), mounted with " + LocalOption(mount) +
                ", and " + (scope.Profile.Hosts is int hosts && hosts > 1 ? hosts + " hosts" : "several hosts") + " use this storage: locks on the mail files and " +
                "uidlists stay on the host that takes them, so when a user is ever served by two hosts at once the mails themselves are corrupted " +
                "(broken mbox files, reused UIDs, lost messages), not only the indexes. Mount mail data with locking (drop nolock/local_lock); " +
                "keep those options for a mount that holds indexes only.");
        }
    }

    private static string? LocalOption(MountDefinition mount)
    {
        if (mount.Traits.Kind != FileSystemKind.Nfs2 && mount.Traits.Kind != FileSystemKind.Nfs3 && mount.Traits.Kind != FileSystemKind.Nfs4)
        {
            return null;
        }

        if (mount.HasOption("nolock"))
        {
            return "nolock";
        }

        return mount.Option("local_lock") == "all" ? "local_lock=all" : null;
    }
}
