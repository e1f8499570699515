using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD047VeryDirtySyncsMultiHostTests
{
    private const string Config = "mail_location = maildir:/srv/mail/%d/%n\nmaildir_very_dirty_syncs = yes\n";
    private const string Random = "topology: random\nhosts: 2\nmounts:\n  - path: /srv/mail\n    type: nfs4\n";

    [Fact]
    public void Warns_with_random_topology()
    {
        var hit = AssertFires(Lint(Config, Random), RuleIdentifiers.VeryDirtySyncsMultiHost, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
    }

    [Fact]
    public void Info_with_sticky_topology() =>
        Assert.Equal(RuleSeverity.Info, AssertFires(Lint(Config, NfsSticky), RuleIdentifiers.VeryDirtySyncsMultiHost, 2).Severity);

    [Fact]
    public void Fires_in_the_filter_that_turns_it_on() =>
        AssertFires(Lint("mail_location = maildir:/srv/mail/%d/%n\nprotocol imap {\n  maildir_very_dirty_syncs = yes\n}\n", Random),
            RuleIdentifiers.VeryDirtySyncsMultiHost, 3);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint(Config, LocalExt4), RuleIdentifiers.VeryDirtySyncsMultiHost);

    [Fact]
    public void Quiet_when_off() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", Random), RuleIdentifiers.VeryDirtySyncsMultiHost);
}
