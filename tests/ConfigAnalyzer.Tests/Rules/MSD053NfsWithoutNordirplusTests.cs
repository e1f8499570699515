using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD053NfsWithoutNordirplusTests
{
    private const string Plain = "mounts:\n  - path: /srv/mail\n    type: nfs\n    options: [hard, vers=3, noatime]\n";

    [Fact]
    public void Info_for_maildir_without_nordirplus()
    {
        var hit = AssertFires(Lint("mmap_disable = yes\nmail_location = maildir:/srv/mail/%u\n", Plain), RuleIdentifiers.NfsWithoutNordirplus, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
        Assert.Contains("/srv/mail (NFSv3)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_with_nordirplus() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\n", NfsSticky), RuleIdentifiers.NfsWithoutNordirplus);

    [Fact]
    public void Quiet_for_dbox() =>
        AssertQuiet(Lint("mail_location = mdbox:/srv/mail/%u\n", Plain), RuleIdentifiers.NfsWithoutNordirplus);

    [Fact]
    public void Quiet_when_only_indexes_are_on_NFS() =>
        AssertQuiet(Lint("mail_location = maildir:/var/mail/%u:INDEX=/srv/mail/idx/%u\n", Plain + "  - path: /var/mail\n    type: ext4\n"),
            RuleIdentifiers.NfsWithoutNordirplus);
}
