using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class SuppressionTests
{
    private const string Config = "# mailstorage-disable-next-line MSD010: benchmarked, the NFS server is the only writer\nmail_location = maildir:/srv/mail/%d/%n\n";

    [Fact]
    public void Next_line_comment_suppresses() =>
        AssertQuiet(Lint(Config, NfsSticky), RuleIdentifiers.MmapOnSharedStorage);

    [Fact]
    public void Suppressed_findings_are_reported_on_request_with_the_reason()
    {
        var hit = AssertFires(Lint(Config, NfsSticky, includeSuppressed: true), RuleIdentifiers.MmapOnSharedStorage, 2);
        Assert.True(hit.IsSuppressed);
        Assert.Equal("benchmarked, the NFS server is the only writer", hit.SuppressionReason);
    }

    [Fact]
    public void File_wide_comment_suppresses_only_its_IDs()
    {
        var result = Lint("# mailstorage-disable-file MSD011: fsync cost measured\nmail_location = maildir:/srv/mail/%d/%n\n", NfsSticky);
        AssertQuiet(result, RuleIdentifiers.FsyncOnNfs);
        AssertFires(result, RuleIdentifiers.MmapOnSharedStorage, 2);
    }

    [Fact]
    public void Profile_overrides_severity_or_silences()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky + "rules:\n  MSD010: warning\n  MSD011: none\n");
        Assert.Equal(RuleSeverity.Warning, AssertFires(result, RuleIdentifiers.MmapOnSharedStorage, 1).Severity);
        AssertQuiet(result, RuleIdentifiers.FsyncOnNfs);
    }
}
