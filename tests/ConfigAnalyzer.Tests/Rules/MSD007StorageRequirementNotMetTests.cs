using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD007StorageRequirementNotMetTests
{
    private const string Measured = LocalExt4 +
        "requires:\n  mmap_disable: { value: \"yes\", reason: \"a mapping missed the other client's write for 4000 ms\" }\n  mail_fsync: always\n";

    [Fact]
    public void Fires_at_the_setting_that_differs()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%n\nmmap_disable = no\nmail_fsync = always\n", Measured);
        var hit = AssertFires(result, RuleIdentifiers.StorageRequirementNotMet, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("4000 ms", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_in_the_filter_that_overrides_it()
    {
        var result = Lint("mmap_disable = yes\nmail_fsync = always\nprotocol lmtp {\n  mail_fsync = optimized\n}\n", Measured);
        var hit = AssertFires(result, RuleIdentifiers.StorageRequirementNotMet, 4);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Equal("protocol=lmtp", hit.Filter);
    }

    [Fact]
    public void Quiet_when_the_config_gives_what_the_storage_needs() =>
        AssertQuiet(Lint("mmap_disable = yes\nmail_fsync = always\n", Measured), RuleIdentifiers.StorageRequirementNotMet);
}
