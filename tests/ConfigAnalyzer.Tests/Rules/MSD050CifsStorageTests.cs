using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD050CifsStorageTests
{
    [Fact]
    public void Fires_for_mail_on_CIFS()
    {
        var hit = AssertFires(Lint("mmap_disable = yes\nmail_location = maildir:/mnt/share/%u\n", "mounts:\n  - path: /mnt/share\n    type: cifs\n"),
            RuleIdentifiers.CifsStorage, 2);
        Assert.Equal(RuleSeverity.Error, hit.Severity);
        Assert.Contains("/mnt/share (CIFS)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_for_indexes_on_SMB3()
    {
        var hit = AssertFires(Lint("mail_location = maildir:/srv/mail/%u:INDEX=/mnt/azure/idx/%u\n",
            "mounts:\n  - path: /srv/mail\n    type: ext4\n  - path: /mnt/azure\n    type: smb3\n"), RuleIdentifiers.CifsStorage, 1);
        Assert.Contains("the indexes", hit.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain("the mail,", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_on_local_disk_and_NFS()
    {
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\n", LocalExt4), RuleIdentifiers.CifsStorage);
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%u\n", NfsSticky), RuleIdentifiers.CifsStorage);
    }
}
