using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// sdbox/mdbox whose index files are not kept with the mail on durable storage: <c>INDEX=MEMORY</c>, an INDEX=
/// on tmpfs, or an INDEX= on a host-local mount while the mail itself is on storage several hosts share.
/// dbox keeps flags, keywords and (mdbox) the mailbox-to-message map_uids only in its indexes, and they cannot
/// be rebuilt from the mail files without losing that data.
/// </summary>
public sealed class MSD030DboxIndexNotDurable : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD030DboxIndexNotDurable()
        : base(RuleIdentifiers.DboxIndexNotDurable, "dbox indexes on local, volatile or memory storage", RuleSeverity.Error, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        foreach (var index in scope.PathsOf(StoragePathRole.Index).Where(p => p.MailLocation.IsDbox))
        {
            string driver = index.MailLocation.Driver!;
            const string Keeps = " dbox keeps message flags and keywords (and, with mdbox, which stored messages belong to which mailbox) only in its " +
                "index files, and they cannot be rebuilt from the mail files without that data: ";
            if (index.IsMemory)
            {
                yield return new RuleFinding(index.Location,
                    index.Origin + " uses " + driver + " with INDEX=MEMORY." + Keeps + "every flag and keyword change is lost when the process ends. " +
                    "Remove INDEX=MEMORY so the indexes are kept with the mail, also in protocol lda/lmtp.");
                continue;
            }

            if (index.Mount == null)
            {
                continue;
            }

            if (!index.Mount.Traits.Durable)
            {
                yield return new RuleFinding(index.Location,
                    index.Origin + " puts the " + driver + " indexes (" + index.Template + ") on " + index.Mount + ", which is emptied at every reboot." + Keeps +
                    "after a reboot users find all their flags and keywords gone. Keep dbox indexes on the same durable, backed-up storage as the mail.");
                continue;
            }

            var mail = scope.PathsOf(StoragePathRole.Mail).FirstOrDefault(p => ReferenceEquals(p.MailLocation, index.MailLocation));
            if (mail?.Mount != null && mail.IsShared && !index.IsShared && !ReferenceEquals(mail.Mount, index.Mount))
            {
                yield return new RuleFinding(index.Location,
                    index.Origin + " keeps the " + driver + " mail on shared " + mail.Mount + " but its indexes (" + index.Template + ") on host-local " +
                    index.Mount + "." + Keeps +
                    "when the user is served by another host, or the local disk is lost, users find their flags and keywords gone and the mail is " +
                    "re-indexed from scratch. Keep dbox indexes on the same shared storage as the mail.");
            }
        }
    }
}
