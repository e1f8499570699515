using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// A Maildir on an NFSv3/v4 mount without <c>nordirplus</c>. READDIRPLUS returns the attributes of every entry
/// with the directory listing, which Dovecot does not need; with Maildir's one file per message, listing
/// <c>cur/</c> of a large mailbox makes the server stat() thousands of files and slows down some NFS servers.
/// </summary>
public sealed class MSD053NfsWithoutNordirplus : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD053NfsWithoutNordirplus()
        : base(RuleIdentifiers.NfsWithoutNordirplus, "NFS without nordirplus for Maildir", RuleSeverity.Info, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        foreach (var mail in scope.PathsOf(StoragePathRole.Mail))
        {
            var mount = mail.Mount;
            if (mail.MailLocation.Driver != "maildir" || mount == null || mount.HasOption("nordirplus") ||
                (mount.Traits.Kind != FileSystemKind.Nfs3 && mount.Traits.Kind != FileSystemKind.Nfs4))
            {
                continue;
            }

            yield return new RuleFinding(mail.Location,
                mail.Origin + " keeps Maildir mail on " + mount + ", mounted without nordirplus. Every listing of a Maildir's cur/ and new/ then " +
                "uses READDIRPLUS, which fetches the attributes of every message file although Dovecot does not use them; large mailboxes open " +
                "slower and the NFS server does needless work. Add nordirplus to the mount options.");
        }
    }
}
