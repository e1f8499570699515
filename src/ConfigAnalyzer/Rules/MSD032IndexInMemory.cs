using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>INDEX=MEMORY</c> in a mail location that IMAP/POP3 sessions use: the indexes are built anew each time a
/// mailbox is opened and thrown away when it is closed, which Dovecot's documentation calls not recommended for
/// production. Inside <c>protocol lda</c> or <c>protocol lmtp</c> it is the documented way to keep deliveries
/// from writing to indexes other hosts use, so it is only Info there. dbox with INDEX=MEMORY is MSD030 (Error).
/// </summary>
public sealed class MSD032IndexInMemory : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD032IndexInMemory()
        : base(RuleIdentifiers.IndexInMemory, "INDEX=MEMORY outside deliveries", RuleSeverity.Warning, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        foreach (var index in scope.PathsOf(StoragePathRole.Index).Where(p => p.IsMemory && !p.MailLocation.IsDbox))
        {
            if (!scope.IsDelivery)
            {
                yield return new RuleFinding(index.Location,
                    index.Origin + " sets INDEX=MEMORY, and it applies to IMAP/POP3 sessions: every mailbox open re-reads all its mails to build the index, " +
                    "which is thrown away at logout, so large mailboxes open slowly every time, the cache never helps, and state kept only in indexes " +
                    "(such as the modification sequences CONDSTORE/QRESYNC clients sync by) starts over each session. Keep INDEX=MEMORY inside protocol lda / protocol lmtp " +
                    "(a mail_location assigned there) and give IMAP/POP3 a real index directory.");
            }
            else if (AssignedHere(scope, index))
            {
                yield return new RuleFinding(index.Location,
                    index.Origin + " sets INDEX=MEMORY for " + scope.Filter + ": deliveries then do not touch the indexes, which keeps them safe when " +
                    "deliveries run on a host other than the user's IMAP backend. The cost is that IMAP/POP3 have to index each new mail when the " +
                    "mailbox is next opened.", RuleSeverity.Info);
            }
        }
    }

    // Inherited from the global scope, the global scope reports it (as a Warning); only a location assigned
    // in this delivery block is the delivery's own choice.
    private static bool AssignedHere(LintScope scope, StoragePath path) =>
        path.Origin == "mail_location"
            ? scope.AssignsHere("mail_location")
            : scope.Block.Root.Children.Any(c => c.Type == "namespace" && c.Get("location") is { } own && own.Location == path.Location);
}
