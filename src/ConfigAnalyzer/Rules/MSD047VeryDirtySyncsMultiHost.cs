using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>maildir_very_dirty_syncs = yes</c> on a Maildir that several hosts share. The setting makes Dovecot trust
/// that only it changes <c>cur/</c>, so it stops scanning the directory when its index looks up to date;
/// changes other hosts make go unnoticed. Warning when users are not pinned to one host, Info when they are
/// (other hosts still touch the Maildir after a move or when an LDA runs elsewhere).
/// </summary>
public sealed class MSD047VeryDirtySyncsMultiHost : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD047VeryDirtySyncsMultiHost()
        : base(RuleIdentifiers.VeryDirtySyncsMultiHost, "maildir_very_dirty_syncs with several hosts", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var profile = scope.Profile;
        if (profile == null || !profile.IsMultiHost || !scope.IsYes("maildir_very_dirty_syncs"))
        {
            yield break;
        }

        var mail = scope.PathsOf(StoragePathRole.Mail).FirstOrDefault(p => p.MailLocation.Driver == "maildir" && p.IsShared);
        if (mail == null)
        {
            yield break;
        }

        const string What = "maildir_very_dirty_syncs = yes makes Dovecot assume it is the only one changing the Maildir's cur/ directory and skip " +
            "scanning it while its index looks current; ";
        if (profile.Topology == Topology.Random)
        {
            yield return new RuleFinding(scope.LocationOf("maildir_very_dirty_syncs"),
                What + "but " + mail.Origin + " is on shared " + mail.Mount + " and users reach several hosts at once (topology random), so flag " +
                "changes, moves and expunges made through another host go unnoticed: users see deleted mail again and flags that do not stick. " +
                "Set maildir_very_dirty_syncs = no.");
        }
        else
        {
            yield return new RuleFinding(scope.LocationOf("maildir_very_dirty_syncs"),
                What + mail.Origin + " is on shared " + mail.Mount + "; with users pinned to one host that holds, as long as nothing else writes " +
                "to cur/ (no LDA, doveadm or MUA on another host). If something does, its changes go unnoticed until the next full sync.",
                RuleSeverity.Info);
        }
    }
}
