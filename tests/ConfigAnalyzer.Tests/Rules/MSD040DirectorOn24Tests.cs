using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD040DirectorOn24Tests
{
    private const string Dovecot24 = "dovecot: \"2.4\"\ntopology: sticky\nmounts:\n  - path: /\n    type: ext4\n";

    [Fact]
    public void Fires_for_director_settings_on_2_4()
    {
        var hit = AssertFires(Lint("mail_location = maildir:~/Maildir\ndirector_servers = 10.0.0.1 10.0.0.2\n", Dovecot24), RuleIdentifiers.DirectorOn24, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("director_servers", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_for_a_configured_director_service()
    {
        var hit = AssertFires(Lint("# proxy\nservice director {\n  inet_listener {\n    port = 9090\n  }\n}\n", Dovecot24), RuleIdentifiers.DirectorOn24, 2);
        Assert.Contains("service director", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_for_an_empty_director_service_as_Debian_ships_it() =>
        AssertQuiet(Lint("service director {\n  unix_listener login/director {\n  }\n  inet_listener {\n  }\n}\n", Dovecot24), RuleIdentifiers.DirectorOn24);

    [Fact]
    public void Quiet_for_Debians_default_configuration()
    {
        var profile = MailStorage.ConfigAnalyzer.Storage.StorageProfile.Parse(new System.IO.StringReader(Dovecot24), "24.yaml");
        AssertQuiet(ConfigLinter.Lint("/etc/dovecot/dovecot.conf", profile), RuleIdentifiers.DirectorOn24);
    }

    [Fact]
    public void Quiet_on_2_3() =>
        AssertQuiet(Lint("director_servers = 10.0.0.1 10.0.0.2\ndirector_user_expire = 20 min\n", LocalExt4), RuleIdentifiers.DirectorOn24);
}
