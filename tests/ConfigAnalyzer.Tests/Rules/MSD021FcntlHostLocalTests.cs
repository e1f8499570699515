using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD021FcntlHostLocalTests
{
    private const string NolockRandom = "topology: random\nhosts: 2\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [local_lock=all]\n";
    private const string NolockSticky = "topology: sticky\nhosts: 2\nmounts:\n  - path: /srv/mail\n    type: nfs\n    options: [vers=3, nolock]\n";
    private const string Nfs3Single = "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs3\n";

    [Fact]
    public void ErrorWithRandomUsersAtTheDefaultLockMethod()
    {
        var result = Lint("# index on local_lock=all\nmail_location = maildir:/srv/mail/%d/%n\n", NolockRandom);
        var hit = AssertFires(result, RuleIdentifiers.FcntlHostLocal, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("local_lock=all", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void WarningWithStickyUsersAtLockMethod()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nlock_method = fcntl\n", NolockSticky);
        var hit = AssertFires(result, RuleIdentifiers.FcntlHostLocal, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("nolock", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void FiresForFuseWithoutLockForwarding()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: random\nmounts:\n  - path: /srv/mail\n    type: fuse.sshfs\n");
        AssertFires(result, RuleIdentifiers.FcntlHostLocal, 1);
    }

    [Fact]
    public void WarnsToKeepLockdRunningOnNfs3()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\n", Nfs3Single);
        var hit = AssertFires(result, RuleIdentifiers.FcntlHostLocal, 1);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("lockd", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void QuietWithDotlocks() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nlock_method = dotlock\n", NolockRandom), RuleIdentifiers.FcntlHostLocal);

    [Fact]
    public void QuietOnNfs4WithLocking() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.FcntlHostLocal);

    [Fact]
    public void QuietWithNolockOnASingleHost() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [nolock]\n"),
            RuleIdentifiers.FcntlHostLocal);
}
