using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD052ClusterFilesystemTests
{
    private const string Gfs2 = "topology: sticky\nhosts: 2\nmounts:\n  - path: /srv/mail\n    type: gfs2\n";

    [Fact]
    public void Info_at_the_mail_location_with_defaults()
    {
        var hit = AssertFires(Lint("# cluster\nmail_location = maildir:/srv/mail/%u\n", Gfs2), RuleIdentifiers.ClusterFilesystem, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
        Assert.Contains("/srv/mail (GFS2)", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("mmap_disable", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("lock_method = flock", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Points_at_mmap_disable_when_it_is_no() =>
        AssertFires(Lint("mail_location = maildir:/srv/mail/%u\nmmap_disable = no\nlock_method = fcntl\n",
            "mounts:\n  - path: /srv/mail\n    type: ocfs2\n"), RuleIdentifiers.ClusterFilesystem, 2);

    [Fact]
    public void Quiet_once_both_are_chosen() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\nmmap_disable = yes\nlock_method = fcntl\n", Gfs2), RuleIdentifiers.ClusterFilesystem);

    [Fact]
    public void Quiet_on_NFS() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\n", NfsSticky), RuleIdentifiers.ClusterFilesystem);
}
