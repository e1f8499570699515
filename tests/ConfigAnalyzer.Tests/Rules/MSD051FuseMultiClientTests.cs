using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD051FuseMultiClientTests
{
    private const string Gluster = "mounts:\n  - path: /srv/mail\n    type: fuse.glusterfs\n";
    private const string Config = "mmap_disable = yes\nmail_location = maildir:/srv/mail/%d/%n\n";

    [Fact]
    public void Warns_with_random_topology_and_names_the_mitigation()
    {
        var hit = AssertFires(Lint(Config, "topology: random\nhosts: 2\n" + Gluster), RuleIdentifiers.FuseMultiClient, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("/srv/mail (GlusterFS)", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("mail_nfs_storage = yes", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("MSD002", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Says_the_flushes_are_on_when_they_are()
    {
        var hit = AssertFires(Lint(Config + "mail_fsync = always\nmail_nfs_index = yes\nmail_nfs_storage = yes\n", "topology: random\n" + Gluster),
            RuleIdentifiers.FuseMultiClient, 2);
        Assert.Contains("limits the damage", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Mentions_host_local_locks_on_plain_FUSE()
    {
        var hit = AssertFires(Lint(Config, "topology: random\nmounts:\n  - path: /srv/mail\n    type: fuse.sshfs\n"), RuleIdentifiers.FuseMultiClient, 2);
        Assert.Contains("locks no other client sees", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Info_with_sticky_topology() =>
        Assert.Equal(RuleSeverity.Info, AssertFires(Lint(Config, "topology: sticky\n" + Gluster), RuleIdentifiers.FuseMultiClient, 2).Severity);

    [Fact]
    public void Quiet_on_a_single_client() =>
        AssertQuiet(Lint(Config, "topology: single\n" + Gluster), RuleIdentifiers.FuseMultiClient);

    [Fact]
    public void Quiet_on_NFS() =>
        AssertQuiet(Lint(Config, "topology: random\nmounts:\n  - path: /srv/mail\n    type: nfs4\n"), RuleIdentifiers.FuseMultiClient);
}
