using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD054NfsWithoutNoatimeTests
{
    [Fact]
    public void Info_without_noatime()
    {
        var hit = AssertFires(Lint("mmap_disable = yes\nmail_location = mdbox:/srv/mail/%u\n", "mounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [hard, relatime]\n"),
            RuleIdentifiers.NfsWithoutNoatime, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
        Assert.Contains("noatime", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_for_an_index_mount() =>
        AssertFires(Lint("mail_location = maildir:/var/mail/%u:INDEX=/srv/idx/%u\n",
            "mounts:\n  - path: /var/mail\n    type: ext4\n  - path: /srv/idx\n    type: nfs4\n"), RuleIdentifiers.NfsWithoutNoatime, 1);

    [Fact]
    public void Quiet_with_noatime() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\n", NfsSticky), RuleIdentifiers.NfsWithoutNoatime);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\n", LocalExt4), RuleIdentifiers.NfsWithoutNoatime);
}
