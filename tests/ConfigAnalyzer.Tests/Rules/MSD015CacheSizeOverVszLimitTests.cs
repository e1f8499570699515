using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD015CacheSizeOverVszLimitTests
{
    [Fact]
    public void Fires_at_the_IMAP_vsz_limit()
    {
        var result = Lint("mail_location = maildir:~/Maildir\nservice imap {\n  vsz_limit = 512M\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.CacheSizeOverVszLimit, 3);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("service imap { vsz_limit } = 512 M", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_at_default_vsz_limit_when_IMAP_has_none()
    {
        var result = Lint("mail_location = maildir:~/Maildir\ndefault_vsz_limit = 1G\n");
        var hit = AssertFires(result, RuleIdentifiers.CacheSizeOverVszLimit, 2);
        Assert.Contains("default_vsz_limit", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_inside_the_filter_that_raises_the_cache_limit()
    {
        var result = Lint("mail_location = maildir:~/Maildir\nmail_cache_max_size = 200M\nprotocol imap {\n  mail_cache_max_size = 300M\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.CacheSizeOverVszLimit, 4);
        Assert.Contains("protocol imap", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Info_on_Dovecot_defaults()
    {
        var result = Lint("mail_location = maildir:~/Maildir\n");
        var hit = AssertFires(result, RuleIdentifiers.CacheSizeOverVszLimit, 1);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
    }

    [Fact]
    public void Quiet_when_the_IMAP_limit_is_above_the_cache_limit() =>
        AssertQuiet(Lint("mail_location = maildir:~/Maildir\nservice imap {\n  vsz_limit = 1500M\n}\n"), RuleIdentifiers.CacheSizeOverVszLimit);

    [Fact]
    public void Quiet_when_the_cache_limit_is_lowered() =>
        AssertQuiet(Lint("mail_location = maildir:~/Maildir\nmail_cache_max_size = 200M\n"), RuleIdentifiers.CacheSizeOverVszLimit);

    [Fact]
    public void Quiet_when_unlimited() =>
        AssertQuiet(Lint("mail_location = maildir:~/Maildir\ndefault_vsz_limit = 0\n"), RuleIdentifiers.CacheSizeOverVszLimit);
}
