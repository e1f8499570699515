using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD005LegacySettingNameTests
{
    [Fact]
    public void Fires_at_fsync_disable_with_the_modern_setting()
    {
        var result = Lint("mail_location = maildir:~/Maildir\nfsync_disable = yes\n");
        var hit = AssertFires(result, RuleIdentifiers.LegacySettingName, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("fsync_disable has been renamed to mail_fsync", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("mail_fsync = never", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_for_a_renamed_cache_setting()
    {
        var result = Lint("mail_location = maildir:~/Maildir\n\nmail_cache_compress_min_size = 64k\n");
        var hit = AssertFires(result, RuleIdentifiers.LegacySettingName, 3);
        Assert.Contains("mail_cache_purge_min_size", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_inside_a_filter()
    {
        var result = Lint("mail_location = maildir:~/Maildir\nprotocol imap {\n  fsync_disable = no\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.LegacySettingName, 3);
        Assert.Contains("protocol imap { mail_fsync = optimized }", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Leaves_rejected_names_to_MSD000()
    {
        var result = Lint("default_mail_env = maildir:~/Maildir\n");
        AssertNotReported(result, RuleIdentifiers.LegacySettingName);
        AssertFires(result, RuleIdentifiers.DovecotRefusesConfig, 1);
    }

    [Fact]
    public void Quiet_on_modern_names() =>
        AssertQuiet(Lint("mail_location = maildir:~/Maildir\nmail_fsync = never\n"), RuleIdentifiers.LegacySettingName);
}
