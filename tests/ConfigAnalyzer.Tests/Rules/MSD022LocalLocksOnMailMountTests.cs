using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD022LocalLocksOnMailMountTests
{
    private const string TwoMounts = "topology: sticky\nhosts: 4\nmounts:\n  - path: /srv/mail\n    type: nfs4\n  - path: /srv/index\n    type: nfs4\n    options: [nolock]\n";

    [Fact]
    public void Fires_at_the_mail_location_when_mail_is_on_a_nolock_mount()
    {
        var result = Lint("# all on one nolock mount\nmail_location = maildir:/srv/mail/%d/%n\n",
            "topology: sticky\nhosts: 4\nmounts:\n  - path: /srv/mail\n    type: nfs\n    options: [vers=3, nolock]\n");
        var hit = AssertFires(result, RuleIdentifiers.LocalLocksOnMailMount, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("mounted with nolock", hit.Message, System.StringComparison.Ordinal);
        Assert.Single(result.Diagnostics, d => d.RuleId == RuleIdentifiers.LocalLocksOnMailMount);
    }

    [Fact]
    public void Fires_for_local_lock_all()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: random\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [local_lock=all]\n");
        AssertFires(result, RuleIdentifiers.LocalLocksOnMailMount, 1);
    }

    [Fact]
    public void Quiet_when_only_indexes_are_on_the_nolock_mount() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n:INDEX=/srv/index/%d/%n\n", TwoMounts), RuleIdentifiers.LocalLocksOnMailMount);

    [Fact]
    public void Quiet_on_a_single_host() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [nolock]\n"),
            RuleIdentifiers.LocalLocksOnMailMount);
}
