using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD000DovecotRefusesConfigTests
{
    [Fact]
    public void Fires_at_the_line_doveconf_names()
    {
        var result = Lint("mail_location = maildir:~/Maildir\nmmap_disabled = yes\n");
        var hit = AssertFires(result, RuleIdentifiers.DovecotRefusesConfig, 2);
        Assert.Contains("Unknown setting: mmap_disabled", hit.Message, System.StringComparison.Ordinal);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
    }

    [Fact]
    public void Fires_on_a_failed_Dovecot_check()
    {
        var result = Lint("mail_nfs_index = yes\nmmap_disable = yes\n");
        Assert.Contains(result.Diagnostics, d => d.RuleId == RuleIdentifiers.DovecotRefusesConfig && d.Message.Contains("mail_fsync=always", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Quiet_on_a_config_Dovecot_accepts() =>
        AssertQuiet(Lint("mail_location = maildir:~/Maildir\n"), RuleIdentifiers.DovecotRefusesConfig);
}
