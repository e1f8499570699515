using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD001NfsIndexRequiresMmapDisableTests
{
    [Fact]
    public void Fires_at_mmap_disable_when_it_is_no()
    {
        var result = Lint("mail_fsync = always\nmmap_disable = no\nmail_nfs_index = yes\n");
        AssertFires(result, RuleIdentifiers.NfsIndexRequiresMmapDisable, 2);
    }

    [Fact]
    public void Fires_inside_the_filter_that_turns_it_on()
    {
        var result = Lint("mail_fsync = always\nprotocol lmtp {\n  mail_nfs_index = yes\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.NfsIndexRequiresMmapDisable, 2);
        Assert.Equal("protocol=lmtp", hit.Filter);
    }

    [Fact]
    public void Quiet_when_mmap_is_disabled() =>
        AssertQuiet(Lint("mail_fsync = always\nmmap_disable = yes\nmail_nfs_index = yes\n"), RuleIdentifiers.NfsIndexRequiresMmapDisable);
}
