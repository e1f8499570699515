using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD025NoVolatileDirTests
{
    [Fact]
    public void Fires_at_the_mail_location()
    {
        var result = Lint("# on NFS\nmail_location = maildir:/srv/mail/%d/%n\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.NoVolatileDir, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
        Assert.Contains("VOLATILEDIR=/dev/shm/dovecot/%u", hit.Message, System.StringComparison.Ordinal);
        Assert.Single(result.Diagnostics, d => d.RuleId == RuleIdentifiers.NoVolatileDir);
    }

    [Fact]
    public void Fires_for_a_namespace_location()
    {
        var result = Lint("namespace inbox {\n  inbox = yes\n  location = maildir:/srv/mail/%d/%n\n}\n", NfsSticky);
        AssertFires(result, RuleIdentifiers.NoVolatileDir, 3);
    }

    [Fact]
    public void Quiet_with_volatile_dir() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n:VOLATILEDIR=/dev/shm/dovecot/%u\n", NfsSticky), RuleIdentifiers.NoVolatileDir);

    [Fact]
    public void Quiet_with_random_users() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: random\nmounts:\n  - path: /srv/mail\n    type: nfs4\n"), RuleIdentifiers.NoVolatileDir);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", LocalExt4), RuleIdentifiers.NoVolatileDir);
}
