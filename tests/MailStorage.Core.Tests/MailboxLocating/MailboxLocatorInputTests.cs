using System;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Reporting;
using Xunit;

namespace MailStorage.Core.Tests.MailboxLocating;

/// <summary>Get-MailStorageMailbox -ConfigPath's engine: LAYOUT=fs and the user names a mail path may be made for.</summary>
public sealed class MailboxLocatorInputTests
{
    [Fact]
    public void Lists_LAYOUT_fs_mailboxes_where_Dovecot_keeps_them()
    {
        using var dovecot = new DoveadmUser(string.Empty, root => "maildir:" + root + "/mail/%n:LAYOUT=fs:INDEX=" + root + "/index/%n");
        foreach (string dir in new[] { "mail", "index" })
        {
            Directory.CreateDirectory(Path.Combine(dovecot.Root, dir));
            Tests.TestBeds.TestCommand.Must("chown", "65534:65534", Path.Combine(dovecot.Root, dir));
        }

        dovecot.Run("bob", "mailbox", "create", "Sent", "A/B", "A/C.d");
        dovecot.Run("bob", "mailbox", "list"); // INBOX is made on first access

        var config = ConfigReader.Read(dovecot.Config);
        var log = new ActivityLog();
        var mailboxes = MailboxLocator.List(MailboxLocator.Resolve(config, "bob"), log);

        // Dovecot lists the parent level A too, but it has no cur/: \NoSelect, and skipped with a reason.
        string[] dovecotNames = dovecot.Run("bob", "mailbox", "list").Split('\n').Where(n => n != "A").OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(dovecotNames, mailboxes.Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        Assert.Equal("INBOX", mailboxes[0].Name);
        foreach (MailboxLocation mailbox in mailboxes)
        {
            Assert.Equal(dovecot.Run("bob", "mailbox", "path", "-t", "mailbox", mailbox.Name), mailbox.MailDirectory);
            Assert.Equal(dovecot.Run("bob", "mailbox", "path", "-t", "index", mailbox.Name), mailbox.IndexDirectory);
        }

        Assert.Contains(log.Take(), line => line.Contains(Path.Combine(dovecot.Root, "mail/bob/A") + ": no cur/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../../../../etc")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("..@example.com")]
    [InlineData("bob smith")]
    public void Refuses_a_user_name_that_Dovecot_refuses_or_that_climbs(string user)
    {
        string conf = Path.Combine(Path.GetTempPath(), "mailstorage-users-" + Guid.NewGuid().ToString("N")[..8] + ".conf");
        File.WriteAllText(conf, "mail_location = maildir:/srv/mail/%d/%n/Maildir\n");
        try
        {
            var config = ConfigReader.Read(conf);
            var refused = Assert.Throws<ArgumentException>(() => MailboxLocator.Resolve(config, user));
            Assert.Contains("'" + user + "'", refused.Message, StringComparison.Ordinal);
            Assert.Equal("/srv/mail/example.com/bob.smith/Maildir", MailboxLocator.Resolve(config, "bob.smith@example.com").Root);
        }
        finally
        {
            File.Delete(conf);
        }
    }

    [Fact]
    public void Refuses_a_user_whose_part_of_the_name_becomes_an_up_level()
    {
        var refused = Assert.Throws<ArgumentException>(() => MailboxLocator.Parse("maildir:/srv/mail/%1.2n/%n", "a..b", null));
        Assert.Contains("climbs", refused.Message, StringComparison.Ordinal);
    }
}
