using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD031LocalIndexWithMovingUsersTests
{
    private const string Mounts = "mounts:\n  - path: /srv/mail\n    type: nfs4\n  - path: /var/idx\n    type: ext4\n";
    private const string Config = "mmap_disable = yes\nmail_location = maildir:/srv/mail/%n:INDEX=/var/idx/%n\n";

    [Fact]
    public void WarnsWithRandomTopology()
    {
        var hit = AssertFires(Lint(Config, "topology: random\nhosts: 3\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("/var/idx (ext4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void InfoWithStickyTopology()
    {
        var hit = AssertFires(Lint(Config, "topology: sticky\nhosts: 3\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
    }

    [Fact]
    public void FiresForMbox()
    {
        var hit = AssertFires(Lint("mail_location = mbox:/srv/mail/%n:INDEX=/var/idx/%n\n", "topology: random\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers, 1);
        Assert.Contains("mbox", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void QuietOnASingleHost() =>
        AssertQuiet(Lint(Config, "topology: single\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers);

    [Fact]
    public void QuietWhenIndexesAreShared() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%n:INDEX=/srv/mail/idx/%n\n", "topology: random\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers);

    [Fact]
    public void QuietForDbox() =>
        AssertQuiet(Lint("mail_location = mdbox:/srv/mail/%n:INDEX=/var/idx/%n\n", "topology: random\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers);
}
