using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD013NfsFlushesWithStickyUsersTests
{
    private const string NfsRandom = "topology: random\nhosts: 3\nmounts:\n  - path: /srv/mail\n    type: nfs4\n";

    [Fact]
    public void FiresAtMailNfsStorageWithStickyUsers()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_nfs_storage = yes\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.NfsFlushesWithStickyUsers, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("sticky", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void FiresInsideTheFilterThatSetsIt()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nmmap_disable = yes\nmail_fsync = always\nprotocol lmtp {\n  mail_nfs_index = yes\n}\n", LocalExt4);
        var hit = AssertFires(result, RuleIdentifiers.NfsFlushesWithStickyUsers, 5);
        Assert.Contains("protocol lmtp", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void QuietWithRandomUsers() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_nfs_storage = yes\n", NfsRandom), RuleIdentifiers.NfsFlushesWithStickyUsers);

    [Fact]
    public void QuietWhenTheFlushesAreOff() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.NfsFlushesWithStickyUsers);
}
