using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD023ExclusiveDotlockOnNfs2Tests
{
    private const string Nfs2 = "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs\n    options: [vers=2]\n";

    [Fact]
    public void Fires_at_the_mail_location_when_left_at_the_default()
    {
        var result = Lint("mail_location = mbox:/srv/mail/%u\n", Nfs2);
        var hit = AssertFires(result, RuleIdentifiers.ExclusiveDotlockOnNfs2, 1);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("NFSv2", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_at_the_setting()
    {
        var result = Lint("mail_location = mbox:/srv/mail/%u\ndotlock_use_excl = yes\n", Nfs2);
        AssertFires(result, RuleIdentifiers.ExclusiveDotlockOnNfs2, 2);
    }

    [Fact]
    public void Info_when_link_dotlocks_are_not_needed()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\ndotlock_use_excl = no\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.ExclusiveDotlockOnNfs2, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
    }

    [Fact]
    public void Quiet_with_link_dotlocks_on_NFS2() =>
        AssertQuiet(Lint("mail_location = mbox:/srv/mail/%u\ndotlock_use_excl = no\n", Nfs2), RuleIdentifiers.ExclusiveDotlockOnNfs2);

    [Fact]
    public void Quiet_on_NFS4_with_the_default() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.ExclusiveDotlockOnNfs2);
}
