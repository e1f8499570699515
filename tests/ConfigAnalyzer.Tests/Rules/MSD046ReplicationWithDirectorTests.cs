using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD046ReplicationWithDirectorTests
{
    [Fact]
    public void Fires_at_mail_replica_with_director()
    {
        var hit = AssertFires(Lint("director_servers = 10.0.0.1 10.0.0.2\nplugin {\n  mail_replica = tcp:replica.example.com\n}\n"),
            RuleIdentifiers.ReplicationWithDirector, 3);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("director", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_at_mail_plugins_with_director() =>
        AssertFires(Lint("mail_plugins = $mail_plugins notify replication\ndirector_servers = 10.0.0.1\n"), RuleIdentifiers.ReplicationWithDirector, 1);

    [Fact]
    public void Fires_for_a_configured_replicator_service() =>
        AssertFires(Lint("director_servers = 10.0.0.1\nservice replicator {\n  process_min_avail = 1\n}\n"), RuleIdentifiers.ReplicationWithDirector, 2);

    [Fact]
    public void Fires_for_replicated_shared_namespaces()
    {
        var hit = AssertFires(Lint("plugin {\n  mail_replica = tcp:replica.example.com\n}\nnamespace shared {\n  type = shared\n  prefix = shared/%%u/\n" +
            "  location = maildir:/srv/mail/%%u:INDEXPVT=~/shared/%%u\n}\n"), RuleIdentifiers.ReplicationWithDirector, 5);
        Assert.Contains("shared", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_for_replication_without_director() =>
        AssertQuiet(Lint("mail_plugins = $mail_plugins notify replication\nplugin {\n  mail_replica = tcp:replica.example.com\n}\n"), RuleIdentifiers.ReplicationWithDirector);

    [Fact]
    public void Quiet_for_director_without_replication() =>
        AssertQuiet(Lint("director_servers = 10.0.0.1 10.0.0.2\nservice aggregator {\n}\nplugin {\n  mail_replica =\n}\n"), RuleIdentifiers.ReplicationWithDirector);
}
