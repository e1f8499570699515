using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD024MboxLockMethodsTests
{
    private const string Debian = "mail_location = mbox:~/mail:INBOX=/var/mail/%u\n";
    private const string SpoolOnNfs = "topology: single\nmounts:\n  - path: /\n    type: ext4\n  - path: /var/mail\n    type: nfs4\n";

    [Fact]
    public void Fires_for_flock_when_the_INBOX_is_on_NFS()
    {
        var result = Lint(Debian + "mbox_write_locks = fcntl flock\n", SpoolOnNfs);
        var hit = AssertFires(result, RuleIdentifiers.MboxLockMethods, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("/var/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_when_readers_and_writers_share_no_method()
    {
        var result = Lint(Debian + "mbox_read_locks = flock\n", LocalExt4);
        var hit = AssertFires(result, RuleIdentifiers.MboxLockMethods, 2);
        Assert.Contains("no lock method in common", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_when_the_order_differs()
    {
        var result = Lint(Debian + "mbox_read_locks = dotlock fcntl\nmbox_write_locks = fcntl dotlock\n");
        var hit = AssertFires(result, RuleIdentifiers.MboxLockMethods, 3);
        Assert.Contains("different order", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_when_deliveries_write_with_other_locks()
    {
        var result = Lint(Debian + "protocol lda {\n  mbox_write_locks = dotlock fcntl\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.MboxLockMethods, 3);
        Assert.Contains("protocol lda", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_on_Debian_defaults() =>
        AssertQuiet(Lint(Debian, LocalExt4), RuleIdentifiers.MboxLockMethods);

    [Fact]
    public void Quiet_for_flock_on_local_disk() =>
        AssertQuiet(Lint(Debian + "mbox_read_locks = fcntl flock\nmbox_write_locks = fcntl flock dotlock\n", LocalExt4), RuleIdentifiers.MboxLockMethods);

    [Fact]
    public void Quiet_for_maildir() =>
        AssertQuiet(Lint("mail_location = maildir:~/Maildir\nmbox_read_locks = flock\n"), RuleIdentifiers.MboxLockMethods);
}
