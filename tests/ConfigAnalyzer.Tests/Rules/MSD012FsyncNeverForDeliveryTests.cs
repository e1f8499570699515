using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD012FsyncNeverForDeliveryTests
{
    [Fact]
    public void Fires_inside_the_LMTP_filter()
    {
        var result = Lint("mail_location = maildir:~/Maildir\nprotocol lmtp {\n  mail_fsync = never\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.FsyncNeverForDelivery, 3);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("protocol lmtp", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_once_at_the_global_setting_that_deliveries_inherit()
    {
        var result = Lint("mail_fsync = never\nprotocol lmtp {\n  postmaster_address = pm@example.org\n}\nprotocol imap {\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.FsyncNeverForDelivery, 1);
        Assert.Contains("lda, lmtp", hit.Message, System.StringComparison.Ordinal);
        Assert.Single(result.Diagnostics, d => d.RuleId == RuleIdentifiers.FsyncNeverForDelivery);
    }

    [Fact]
    public void Quiet_when_only_IMAP_skips_fsync() =>
        AssertQuiet(Lint("protocol imap {\n  mail_fsync = never\n}\n"), RuleIdentifiers.FsyncNeverForDelivery);

    [Fact]
    public void Quiet_when_deliveries_override_the_global_never() =>
        AssertQuiet(Lint("mail_fsync = never\nprotocol lmtp {\n  mail_fsync = optimized\n}\nprotocol lda {\n  mail_fsync = optimized\n}\n"),
            RuleIdentifiers.FsyncNeverForDelivery);
}
