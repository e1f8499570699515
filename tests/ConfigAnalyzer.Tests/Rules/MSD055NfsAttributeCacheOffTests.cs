using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD055NfsAttributeCacheOffTests
{
    private const string Config = "mmap_disable = yes\nmail_location = maildir:/srv/mail/%u\n";
    private const string NoCache = "mounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [hard, actimeo=0]\n";

    [Fact]
    public void Warns_with_sticky_topology()
    {
        var hit = AssertFires(Lint(Config, "topology: sticky\n" + NoCache), RuleIdentifiers.NfsAttributeCacheOff, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("actimeo=0", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Warns_for_noac_on_a_single_host()
    {
        var hit = AssertFires(Lint(Config, "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs\n    options: noac\n"), RuleIdentifiers.NfsAttributeCacheOff, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("noac", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Info_with_random_topology() =>
        Assert.Equal(RuleSeverity.Info, AssertFires(Lint(Config, "topology: random\n" + NoCache), RuleIdentifiers.NfsAttributeCacheOff, 2).Severity);

    [Fact]
    public void Quiet_with_the_cache_on() =>
        AssertQuiet(Lint(Config, NfsSticky), RuleIdentifiers.NfsAttributeCacheOff);
}
