using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD011FsyncOnNfsTests
{
    private const string NfsSingle = "topology: single\nmounts:\n  - path: /srv/mail\n    type: nfs\n    options: [vers=3]\n";

    [Fact]
    public void Fires_as_error_with_several_backends()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_fsync = optimized\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.FsyncOnNfs, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("/srv/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_as_warning_on_one_host_at_the_mail_location_when_left_at_the_default()
    {
        var result = Lint("# NFSv3, one host\nmail_location = maildir:/srv/mail/%d/%n\n", NfsSingle);
        var hit = AssertFires(result, RuleIdentifiers.FsyncOnNfs, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("NFSv3", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_inside_the_LMTP_filter_that_lowers_it()
    {
        var result = Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_fsync = always\nprotocol lmtp {\n  mail_fsync = optimized\n}\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.FsyncOnNfs, 4);
        Assert.Equal("protocol=lmtp", hit.Filter);
        Assert.Contains("protocol lmtp", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_with_fsync_always() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nmail_fsync = always\n", NfsSticky), RuleIdentifiers.FsyncOnNfs);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", LocalExt4), RuleIdentifiers.FsyncOnNfs);

    [Fact]
    public void Quiet_when_only_volatile_files_are_on_NFS() =>
        AssertQuiet(Lint("mail_location = maildir:/var/mail/%n:VOLATILEDIR=/srv/mail/lock/%n\n",
            "topology: single\nmounts:\n  - path: /\n    type: ext4\n  - path: /srv/mail\n    type: nfs4\n"), RuleIdentifiers.FsyncOnNfs);
}
