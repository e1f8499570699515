using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD006PathNotInProfileTests
{
    private const string OnlySrvMail = "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs4\n";

    [Fact]
    public void Fires_once_for_a_home_path_without_mail_home()
    {
        var result = Lint("# mail in the home\nmail_location = maildir:~/Maildir\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.PathNotInProfile, 2);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
        Assert.Contains("mail_home", hit.Message, System.StringComparison.Ordinal);
        Assert.Single(result.Diagnostics, d => d.RuleId == RuleIdentifiers.PathNotInProfile);
    }

    [Fact]
    public void Fires_for_an_index_path_under_no_mount()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%u:INDEX=/var/idx/%u\n", OnlySrvMail);
        var hit = AssertFires(result, RuleIdentifiers.PathNotInProfile, 1);
        Assert.Contains("index files", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("under no mount", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_for_indexes_in_memory() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u:INDEX=MEMORY\n", OnlySrvMail), RuleIdentifiers.PathNotInProfile);

    [Fact]
    public void Quiet_when_every_path_is_placed() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.PathNotInProfile);

    [Fact]
    public void Quiet_without_a_profile()
    {
        var result = Lint("mail_location = maildir:~/Maildir\n");
        Assert.DoesNotContain(result.Rules, r => r.Id == RuleIdentifiers.PathNotInProfile);
        AssertNotReported(result, RuleIdentifiers.PathNotInProfile);
    }
}
