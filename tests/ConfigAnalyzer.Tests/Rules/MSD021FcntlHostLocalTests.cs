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
    public void Error_with_random_users_at_the_default_lock_method()
    {
        var result = Lint("# index on local_lock=all\nmail_location = maildir:/srv/mail/%d/%n\n", NolockRandom);
        var hit = AssertFires(result, RuleIdentifiers.FcntlHostLocal, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("local_lock=all", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Warning_with_sticky_users_at_lock_method()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nlock_method = fcntl\n", NolockSticky);
        var hit = AssertFires(result, RuleIdentifiers.FcntlHostLocal, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("nolock", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_for_FUSE_without_lock_forwarding()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: random\nmounts:\n  - path: /srv/mail\n    type: fuse.sshfs\n");
        AssertFires(result, RuleIdentifiers.FcntlHostLocal, 1);
    }

    [Fact]
    public void Warns_to_keep_lockd_running_on_NFS3()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\n", Nfs3Single);
        var hit = AssertFires(result, RuleIdentifiers.FcntlHostLocal, 1);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("lockd", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_with_dotlocks() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nlock_method = dotlock\n", NolockRandom), RuleIdentifiers.FcntlHostLocal);

    [Fact]
    public void Quiet_on_NFS4_with_locking() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.FcntlHostLocal);

    [Fact]
    public void Quiet_with_nolock_on_a_single_host() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [nolock]\n"),
            RuleIdentifiers.FcntlHostLocal);
}
