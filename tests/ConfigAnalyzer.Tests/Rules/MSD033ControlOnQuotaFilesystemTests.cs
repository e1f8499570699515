using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD033ControlOnQuotaFilesystemTests
{
    private const string Quota = "mounts:\n  - path: /\n    type: ext4\n  - path: /home\n    type: ext4\n    options: [rw, usrquota, grpquota]\n";

    [Fact]
    public void Fires_when_control_files_stay_in_the_maildir()
    {
        var hit = AssertFires(Lint("# quota\nmail_location = maildir:/home/%u/Maildir\n", Quota), RuleIdentifiers.ControlOnQuotaFilesystem, 2);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
        Assert.Contains("usrquota", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("CONTROL=", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_when_control_points_to_a_quota_mount() =>
        AssertFires(Lint("mail_location = maildir:/var/mail/%u:CONTROL=/home/%u/control\n", Quota), RuleIdentifiers.ControlOnQuotaFilesystem, 1);

    [Fact]
    public void Fires_for_XFS_project_quota() =>
        AssertFires(Lint("mail_location = maildir:/srv/mail/%u\n", "mounts:\n  - path: /srv/mail\n    type: xfs\n    options: prjquota\n"),
            RuleIdentifiers.ControlOnQuotaFilesystem, 1);

    [Fact]
    public void Quiet_when_control_is_moved_off_the_quota() =>
        AssertQuiet(Lint("mail_location = maildir:/home/%u/Maildir:CONTROL=/var/lib/dovecot/control/%u\n", Quota), RuleIdentifiers.ControlOnQuotaFilesystem);

    [Fact]
    public void Quiet_for_accounting_only_quota() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\n", "mounts:\n  - path: /srv/mail\n    type: xfs\n    options: [uqnoenforce]\n"),
            RuleIdentifiers.ControlOnQuotaFilesystem);

    [Fact]
    public void Quiet_for_mdbox() =>
        AssertQuiet(Lint("mail_location = mdbox:/home/%u/mdbox\n", Quota), RuleIdentifiers.ControlOnQuotaFilesystem);
}
