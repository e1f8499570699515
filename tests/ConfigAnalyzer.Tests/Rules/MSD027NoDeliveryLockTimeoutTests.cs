using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD027NoDeliveryLockTimeoutTests
{
    [Fact]
    public void Fires_at_the_LMTP_block()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nprotocol lmtp {\n  postmaster_address = pm@example.org\n}\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.NoDeliveryLockTimeout, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
        Assert.Equal("protocol=lmtp", hit.Filter);
    }

    [Fact]
    public void Fires_globally_when_LMTP_has_no_block()
    {
        var result = Lint("protocols = imap lmtp\nmail_location = maildir:/srv/mail/%d/%n\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.NoDeliveryLockTimeout, 2);
        Assert.Contains("LMTP", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_at_an_explicit_zero()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nprotocol lda {\n  mail_max_lock_timeout = 0\n}\n", NfsSticky);
        AssertFires(result, RuleIdentifiers.NoDeliveryLockTimeout, 3);
    }

    [Fact]
    public void Quiet_with_a_timeout() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nprotocol lmtp {\n  mail_max_lock_timeout = 25s\n}\n", NfsSticky), RuleIdentifiers.NoDeliveryLockTimeout);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint("protocols = imap lmtp\nmail_location = maildir:/srv/mail/%d/%n\nprotocol lmtp {\n}\n", LocalExt4), RuleIdentifiers.NoDeliveryLockTimeout);

    [Fact]
    public void Quiet_without_deliveries() =>
        AssertQuiet(Lint("protocols = imap\nmail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.NoDeliveryLockTimeout);
}
