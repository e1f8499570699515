using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD043QuotaStatusOnNfsClusterTests
{
    private const string QuotaStatus = "mail_location = maildir:/srv/mail/%d/%n\nservice quota-status {\n  executable = quota-status -p postfix\n" +
        "  inet_listener {\n    port = 12340\n  }\n}\n";

    [Fact]
    public void Fires_at_the_service_on_an_NFS_cluster()
    {
        var hit = AssertFires(Lint(QuotaStatus, NfsSticky), RuleIdentifiers.QuotaStatusOnNfsCluster, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("/srv/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_on_a_single_NFS_client() =>
        AssertQuiet(Lint(QuotaStatus, "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs4\n"), RuleIdentifiers.QuotaStatusOnNfsCluster);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint(QuotaStatus, LocalExt4), RuleIdentifiers.QuotaStatusOnNfsCluster);

    [Fact]
    public void Quiet_for_an_empty_section() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nservice quota-status {\n}\n", NfsSticky), RuleIdentifiers.QuotaStatusOnNfsCluster);

    [Fact]
    public void Quiet_without_the_service() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.QuotaStatusOnNfsCluster);
}
