using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD013NfsFlushesWithStickyUsersTests
{
    private const string NfsRandom = "topology: random\nhosts: 3\nmounts:\n  - path: /srv/mail\n    type: nfs4\n";

    [Fact]
    public void Fires_at_mail_nfs_storage_with_sticky_users()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_nfs_storage = yes\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.NfsFlushesWithStickyUsers, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("sticky", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_inside_the_filter_that_sets_it()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nmmap_disable = yes\nmail_fsync = always\nprotocol lmtp {\n  mail_nfs_index = yes\n}\n", LocalExt4);
        var hit = AssertFires(result, RuleIdentifiers.NfsFlushesWithStickyUsers, 5);
        Assert.Contains("protocol lmtp", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_with_random_users() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_nfs_storage = yes\n", NfsRandom), RuleIdentifiers.NfsFlushesWithStickyUsers);

    [Fact]
    public void Quiet_when_the_flushes_are_off() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.NfsFlushesWithStickyUsers);
}
