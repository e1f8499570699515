using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD010MmapOnSharedStorageTests
{
    [Fact]
    public void Fires_at_the_mail_location_when_mmap_is_left_on()
    {
        var result = Lint("# indexes on NFS\nmail_location = maildir:/srv/mail/%d/%n\n", NfsSticky);
        var hit = AssertFires(result, RuleIdentifiers.MmapOnSharedStorage, 2);
        Assert.Contains("/srv/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_only_for_the_index_path()
    {
        var result = Lint("mail_location = maildir:/var/local/%n:INDEX=/srv/mail/idx/%n\nmmap_disable = no\n",
            "mounts:\n  - path: /srv/mail\n    type: glusterfs\n  - path: /var/local\n    type: ext4\n");
        AssertFires(result, RuleIdentifiers.MmapOnSharedStorage, 2);
    }

    [Fact]
    public void Quiet_with_mmap_disabled() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\nmmap_disable = yes\n", NfsSticky), RuleIdentifiers.MmapOnSharedStorage);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", LocalExt4), RuleIdentifiers.MmapOnSharedStorage);
}
