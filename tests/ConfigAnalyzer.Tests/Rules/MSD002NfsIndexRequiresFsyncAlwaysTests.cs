using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD002NfsIndexRequiresFsyncAlwaysTests
{
    [Fact]
    public void Fires_at_mail_fsync_when_it_is_optimized()
    {
        var result = Lint("mmap_disable = yes\nmail_fsync = optimized\nmail_nfs_index = yes\n");
        var hit = AssertFires(result, RuleIdentifiers.NfsIndexRequiresFsyncAlways, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("mail_fsync = always", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_at_the_filter_that_turns_it_on()
    {
        var result = Lint("mmap_disable = yes\nprotocol lmtp {\n  mail_nfs_index = yes\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.NfsIndexRequiresFsyncAlways, 2);
        Assert.Equal("protocol=lmtp", hit.Filter);
        Assert.Contains("protocol lmtp", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_inside_the_filter_that_lowers_fsync()
    {
        var result = Lint("mmap_disable = yes\nmail_fsync = always\nmail_nfs_index = yes\nprotocol imap {\n  mail_fsync = optimized\n}\n");
        AssertFires(result, RuleIdentifiers.NfsIndexRequiresFsyncAlways, 5);
    }

    [Fact]
    public void Quiet_with_fsync_always() =>
        AssertQuiet(Lint("mmap_disable = yes\nmail_fsync = always\nmail_nfs_index = yes\n"), RuleIdentifiers.NfsIndexRequiresFsyncAlways);

    [Fact]
    public void Quiet_without_mail_nfs_index() =>
        AssertQuiet(Lint("mail_fsync = optimized\n"), RuleIdentifiers.NfsIndexRequiresFsyncAlways);
}
