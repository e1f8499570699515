using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD030DboxIndexNotDurableTests
{
    private const string NfsWithLocal = "dovecot: \"2.3\"\ntopology: sticky\nhosts: 2\nmounts:\n  - path: /srv/mail\n    type: nfs4\n" +
        "  - path: /var/idx\n    type: ext4\n  - path: /dev/shm\n    type: tmpfs\n";

    [Fact]
    public void Fires_for_index_in_memory_without_a_profile()
    {
        var hit = AssertFires(Lint("mmap_disable = yes\nmail_location = mdbox:/srv/mail/%d/%n:INDEX=MEMORY\n"), RuleIdentifiers.DboxIndexNotDurable, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("INDEX=MEMORY", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_inside_the_delivery_filter_too()
    {
        var hit = AssertFires(Lint("mail_location = sdbox:/srv/mail/%n\nprotocol lmtp {\n  mail_location = sdbox:/srv/mail/%n:INDEX=MEMORY\n}\n"),
            RuleIdentifiers.DboxIndexNotDurable, 3);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
    }

    [Fact]
    public void Fires_for_indexes_on_tmpfs()
    {
        var hit = AssertFires(Lint("mail_location = sdbox:/srv/mail/%n:INDEX=/dev/shm/idx/%n\n", NfsWithLocal), RuleIdentifiers.DboxIndexNotDurable, 1);
        Assert.Contains("/dev/shm (tmpfs)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_for_host_local_indexes_of_shared_mail()
    {
        var hit = AssertFires(Lint("# dbox\nmail_location = mdbox:/srv/mail/%n:INDEX=/var/idx/%n\n", NfsWithLocal), RuleIdentifiers.DboxIndexNotDurable, 2);
        Assert.Contains("/var/idx (ext4)", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("/srv/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_when_indexes_stay_with_the_mail() =>
        AssertQuiet(Lint("mail_location = mdbox:/srv/mail/%n\n", NfsWithLocal), RuleIdentifiers.DboxIndexNotDurable);

    [Fact]
    public void Quiet_for_separate_local_disks_on_one_host() =>
        AssertQuiet(Lint("mail_location = sdbox:/srv/mail/%n:INDEX=/var/idx/%n\n",
            "mounts:\n  - path: /srv/mail\n    type: xfs\n  - path: /var/idx\n    type: ext4\n"), RuleIdentifiers.DboxIndexNotDurable);

    [Fact]
    public void Quiet_for_maildir_in_memory() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%n:INDEX=MEMORY\n"), RuleIdentifiers.DboxIndexNotDurable);
}
