using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD012FsyncNeverForDeliveryTests
{
    [Fact]
    public void FiresInsideTheLmtpFilter()
    {
        var result = Lint("mail_location = maildir:~/Maildir\nprotocol lmtp {\n  mail_fsync = never\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.FsyncNeverForDelivery, 3);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("protocol lmtp", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void FiresOnceAtTheGlobalSettingThatDeliveriesInherit()
    {
        var result = Lint("mail_fsync = never\nprotocol lmtp {\n  postmaster_address = pm@example.org\n}\nprotocol imap {\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.FsyncNeverForDelivery, 1);
        Assert.Contains("lda, lmtp", hit.Message, System.StringComparison.Ordinal);
        Assert.Single(result.Diagnostics, d => d.RuleId == RuleIdentifiers.FsyncNeverForDelivery);
    }

    [Fact]
    public void QuietWhenOnlyImapSkipsFsync() =>
        AssertQuiet(Lint("protocol imap {\n  mail_fsync = never\n}\n"), RuleIdentifiers.FsyncNeverForDelivery);

    [Fact]
    public void QuietWhenDeliveriesOverrideTheGlobalNever() =>
        AssertQuiet(Lint("mail_fsync = never\nprotocol lmtp {\n  mail_fsync = optimized\n}\nprotocol lda {\n  mail_fsync = optimized\n}\n"),
            RuleIdentifiers.FsyncNeverForDelivery);
}
