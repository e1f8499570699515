using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD031LocalIndexWithMovingUsersTests
{
    private const string Mounts = "mounts:\n  - path: /srv/mail\n    type: nfs4\n  - path: /var/idx\n    type: ext4\n";
    private const string Config = "mmap_disable = yes\nmail_location = maildir:/srv/mail/%n:INDEX=/var/idx/%n\n";

    [Fact]
    public void Warns_with_random_topology()
    {
        var hit = AssertFires(Lint(Config, "topology: random\nhosts: 3\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("/var/idx (ext4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Info_with_sticky_topology()
    {
        var hit = AssertFires(Lint(Config, "topology: sticky\nhosts: 3\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
    }

    [Fact]
    public void Fires_for_mbox()
    {
        var hit = AssertFires(Lint("mail_location = mbox:/srv/mail/%n:INDEX=/var/idx/%n\n", "topology: random\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers, 1);
        Assert.Contains("mbox", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_on_a_single_host() =>
        AssertQuiet(Lint(Config, "topology: single\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers);

    [Fact]
    public void Quiet_when_indexes_are_shared() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%n:INDEX=/srv/mail/idx/%n\n", "topology: random\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers);

    [Fact]
    public void Quiet_for_dbox() =>
        AssertQuiet(Lint("mail_location = mdbox:/srv/mail/%n:INDEX=/var/idx/%n\n", "topology: random\n" + Mounts), RuleIdentifiers.LocalIndexWithMovingUsers);
}
