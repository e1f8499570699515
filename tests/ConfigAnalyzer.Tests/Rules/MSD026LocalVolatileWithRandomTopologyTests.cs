using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD026LocalVolatileWithRandomTopologyTests
{
    private const string Random = "topology: random\nhosts: 3\nmounts:\n  - path: /srv/mail\n    type: nfs4\n  - path: /dev/shm\n    type: tmpfs\n";

    [Fact]
    public void Fires_for_a_volatile_dir_on_tmpfs()
    {
        var result = Lint("# random users\nmail_location = maildir:/srv/mail/%d/%n:VOLATILEDIR=/dev/shm/dovecot/%u\n", Random);
        var hit = AssertFires(result, RuleIdentifiers.LocalVolatileWithRandomTopology, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("/dev/shm (tmpfs", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_for_a_local_list_index()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n:LISTINDEX=/dev/shm/list/%u/dovecot.list.index\n", Random);
        var hit = AssertFires(result, RuleIdentifiers.LocalVolatileWithRandomTopology, 1);
        Assert.Contains("LISTINDEX=", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_with_sticky_users() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n:VOLATILEDIR=/dev/shm/dovecot/%u\n",
            "topology: sticky\nmounts:\n  - path: /srv/mail\n    type: nfs4\n  - path: /dev/shm\n    type: tmpfs\n"), RuleIdentifiers.LocalVolatileWithRandomTopology);

    [Fact]
    public void Quiet_when_volatile_files_stay_on_shared_storage() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n:VOLATILEDIR=/srv/mail/volatile/%u\n", Random), RuleIdentifiers.LocalVolatileWithRandomTopology);
}
