using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD056NfsSoftMountTests
{
    private const string Config = "mmap_disable = yes\nmail_location = maildir:/srv/mail/%u\n";

    [Fact]
    public void Warns_for_a_soft_mount()
    {
        var hit = AssertFires(Lint(Config, "mounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [soft, timeo=30]\n"), RuleIdentifiers.NfsSoftMount, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("/srv/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("hard", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_when_hard_comes_last() =>
        AssertQuiet(Lint(Config, "mounts:\n  - path: /srv/mail\n    type: nfs4\n    options: soft,hard\n"), RuleIdentifiers.NfsSoftMount);

    [Fact]
    public void Quiet_for_hard_mounts() =>
        AssertQuiet(Lint(Config, NfsSticky), RuleIdentifiers.NfsSoftMount);
}
