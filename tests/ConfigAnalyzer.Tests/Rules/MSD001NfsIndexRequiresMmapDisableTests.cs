using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD001NfsIndexRequiresMmapDisableTests
{
    [Fact]
    public void FiresAtMmapDisableWhenItIsNo()
    {
        var result = Lint("mail_fsync = always\nmmap_disable = no\nmail_nfs_index = yes\n");
        AssertFires(result, RuleIdentifiers.NfsIndexRequiresMmapDisable, 2);
    }

    [Fact]
    public void FiresInsideTheFilterThatTurnsItOn()
    {
        var result = Lint("mail_fsync = always\nprotocol lmtp {\n  mail_nfs_index = yes\n}\n");
        var hit = AssertFires(result, RuleIdentifiers.NfsIndexRequiresMmapDisable, 2);
        Assert.Equal("protocol=lmtp", hit.Filter);
    }

    [Fact]
    public void QuietWhenMmapIsDisabled() =>
        AssertQuiet(Lint("mail_fsync = always\nmmap_disable = yes\nmail_nfs_index = yes\n"), RuleIdentifiers.NfsIndexRequiresMmapDisable);
}
