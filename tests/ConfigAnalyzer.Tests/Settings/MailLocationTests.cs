using MailStorage.ConfigAnalyzer.Settings;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Settings;

public sealed class MailLocationTests
{
    [Fact]
    public void Splits_driver_root_and_parameters()
    {
        var l = MailLocation.Parse("maildir:~/Maildir:INDEX=/var/idx/%u:CONTROL=/var/ctl/%u:VOLATILEDIR=/dev/shm/%u:LISTINDEX=/var/li/%u/dovecot.list.index");
        Assert.Equal("maildir", l.Driver);
        Assert.Equal("~/Maildir", l.Root);
        Assert.Equal("/var/idx/%u", l.IndexPath);
        Assert.Equal("/var/ctl/%u", l.ControlPath);
        Assert.Equal("/dev/shm/%u", l.VolatilePath);
        Assert.Equal("/var/li/%u", l.ListIndexDirectory);
        Assert.False(l.IsDbox);
    }

    [Fact]
    public void Double_colon_is_a_literal_colon()
    {
        var l = MailLocation.Parse("maildir:/srv/mail::odd/%u:INDEX=/idx");
        Assert.Equal("/srv/mail:odd/%u", l.Root);
        Assert.Equal("/idx", l.IndexPath);
    }

    [Fact]
    public void Index_defaults_to_the_root_and_memory_is_known()
    {
        Assert.Equal("/srv/mail/%u", MailLocation.Parse("sdbox:/srv/mail/%u").IndexPath);
        Assert.True(MailLocation.Parse("sdbox:/srv/mail/%u").IsDbox);
        Assert.True(MailLocation.Parse("maildir:~/Maildir:INDEX=MEMORY").IndexInMemory);
        Assert.Null(MailLocation.Parse("maildir:~/Maildir").ListIndexDirectory);
    }

    [Fact]
    public void Unknown_keys_and_no_driver_are_kept()
    {
        var l = MailLocation.Parse("mbox:~/mail:INBOX=/var/mail/%u:FOO=bar");
        Assert.Equal(new[] { "FOO" }, l.UnknownKeys);
        Assert.Equal("/var/mail/%u", l.Parameter("INBOX"));
        var bare = MailLocation.Parse("/var/mail/%u");
        Assert.Null(bare.Driver);
        Assert.Equal("/var/mail/%u", bare.Root);
        Assert.True(MailLocation.Parse(string.Empty).IsEmpty);
    }
}
