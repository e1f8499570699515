using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD014RandomTopologyTests
{
    private const string NfsRandom = "topology: random\nhosts: 3\nmounts:\n  - path: /srv/mail\n    type: nfs4\n";

    [Fact]
    public void Fires_at_the_mail_location_and_lists_the_damage_limiters()
    {
        var result = Lint("# shared mail\nmail_location = mdbox:/srv/mail/%d/%n\n", NfsRandom);
        var hit = AssertFires(result, RuleIdentifiers.RandomTopology, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("mail_nfs_index = yes", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("Maildir instead of dbox", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("INDEX=MEMORY", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_only_what_is_still_missing()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_nfs_index = yes\nmail_nfs_storage = yes\nmmap_disable = yes\nmail_fsync = always\n" +
            "lock_method = dotlock\nprotocol lmtp {\n  mail_location = maildir:/srv/mail/%d/%n:INDEX=MEMORY\n}\nprotocol lda {\n  mail_location = maildir:/srv/mail/%d/%n:INDEX=MEMORY\n}\n", NfsRandom);
        var hit = AssertFires(result, RuleIdentifiers.RandomTopology, 1);
        Assert.DoesNotContain("mail_nfs_index", hit.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain("INDEX=MEMORY", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("source-IP affinity", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_with_sticky_users() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.RandomTopology);

    [Fact]
    public void Quiet_when_nothing_is_shared() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", "topology: random\nmounts:\n  - path: /\n    type: ext4\n"), RuleIdentifiers.RandomTopology);
}
