using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD020FlockOnNfsTests
{
    [Fact]
    public void Fires_at_lock_method()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nlock_method = flock\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.FlockOnNfs, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("/srv/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_inside_the_filter_that_chooses_flock()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nprotocol imap {\n  lock_method = flock\n}\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.FlockOnNfs, 3);
        Assert.Contains("protocol imap", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_on_a_cluster_filesystem() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nlock_method = flock\n", "topology: sticky\nmounts:\n  - path: /srv/mail\n    type: gfs2\n"),
            RuleIdentifiers.FlockOnNfs);

    [Fact]
    public void Quiet_with_fcntl() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.FlockOnNfs);
}
