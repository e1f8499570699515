using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// A path of a mail location (mail, indexes, control, volatile or list index files) on CIFS/SMB. Dovecot's file
/// names can contain ':', which CIFS refuses; Dovecot renames files it holds open and locked, which CIFS
/// refuses with "Text file is busy"; and SMB3 servers such as Azure Files reject link(), which dotlocks and
/// <c>mailboxes.lock</c> need. Dovecot's documentation: CIFS "is unlikely to work".
/// </summary>
public sealed class MSD050CifsStorage : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD050CifsStorage()
        : base(RuleIdentifiers.CifsStorage, "Mail or indexes on CIFS/SMB", RuleSeverity.Error, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var onCifs = scope.Paths.Where(p => p.Mount != null && (p.Mount.Traits.Kind == FileSystemKind.Cifs || p.Mount.Traits.Kind == FileSystemKind.Smb3));
        foreach (var group in onCifs.GroupBy(p => (p.Location, p.Mount!.Path)))
        {
            var first = group.First();
            string roles = Join(group.Select(p => Role(p.Role)).Distinct().ToList());
            yield return new RuleFinding(first.Location,
                first.Origin + " puts " + roles + " on " + first.Mount + ". CIFS/SMB cannot hold Dovecot storage: Maildir and Dovecot's temporary " +
                "file names contain ':', which CIFS refuses; Dovecot renames files it holds open and locked, which fails with \"Text file is busy\"; " +
                "and SMB3 servers such as Azure Files reject link(), which dotlocks and mailboxes.lock need. Users get failed logins, mail that " +
                "cannot be saved and broken mailboxes. Move the mail storage to local disk, NFS or a cluster filesystem.");
        }
    }

    private static string Role(StoragePathRole role) => role switch
    {
        StoragePathRole.Mail => "the mail",
        StoragePathRole.Index => "the indexes",
        StoragePathRole.Control => "the control files",
        StoragePathRole.Volatile => "the volatile files (VOLATILEDIR)",
        StoragePathRole.ListIndex => "the mailbox list index",
        _ => "the alternative storage (ALT)",
    };

    private static string Join(List<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[items.Count - 1];
}
