using System;
using System.IO;
using System.Linq;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// A folder Dovecot never made a mailbox (a system folder, a typo's parent) is not a mailbox, so it can never read as
/// an empty, sound one: <see cref="MailboxLocator.WhyNotAMailbox"/> says what it looked for and where, a mail root
/// with no mailbox lists none (the root is not INBOX by default), and the repairer refuses it even for a plan. A
/// mailbox Dovecot made, and a fresh Maildir it has not opened yet (cur/ new/ tmp/ only), are mailboxes.
/// </summary>
public sealed class NotAMailboxTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "mailstorage-notmailbox-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ITestOutputHelper output;

    public NotAMailboxTests(ITestOutputHelper output)
    {
        this.output = output;
        Directory.CreateDirectory(dir);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Folder_of_other_files_is_not_a_mailbox_and_the_message_says_what_was_looked_for()
    {
        // What /etc looks like: files and folders, none of them Dovecot's.
        File.WriteAllText(Path.Combine(dir, "passwd"), "root:x:0:0::/root:/bin/sh\n");
        Directory.CreateDirectory(Path.Combine(dir, "ssl"));
        Directory.CreateDirectory(Path.Combine(dir, ".git"));
        var location = new MailboxLocation(dir, dir, dir, dir, "maildir");

        string? why = MailboxLocator.WhyNotAMailbox(location);
        output.WriteLine(why);
        Assert.NotNull(why);
        Assert.Contains("not a Dovecot mailbox", why, StringComparison.Ordinal);
        foreach (string lookedFor in new[] { "dovecot.index", "dovecot.index.log", "dovecot-uidlist", "cur/", "new/", dir })
        {
            Assert.Contains(lookedFor, why, StringComparison.Ordinal);
        }

        Assert.Empty(MailboxLocator.List(dir));
        Assert.Equal(RepairRefusal.NotAMailbox, Assert.Throws<RepairRefusedException>(() => MailboxRepairer.Repair(location, new MailboxRepairOptions { WhatIf = true })).Refusal);
        Assert.Equal(RepairRefusal.NotAMailbox, Assert.Throws<RepairRefusedException>(() => MailboxRepairer.Repair(location, new MailboxRepairOptions())).Refusal);
        Assert.Equal(new[] { ".git", "passwd", "ssl" }, Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("cur")]
    [InlineData("new")]
    [InlineData("dovecot-uidlist")]
    [InlineData("dovecot.index.log")]
    [InlineData("dovecot.index")]
    public void Any_one_of_Dovecot_s_marks_makes_a_mailbox(string mark)
    {
        string path = Path.Combine(dir, mark);
        if (mark is "cur" or "new")
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            File.WriteAllText(path, string.Empty);
        }

        Assert.Null(MailboxLocator.WhyNotAMailbox(new MailboxLocation(dir, dir, dir, dir, "maildir")));
        Assert.Equal(new[] { "INBOX" }, MailboxLocator.List(dir).Select(m => m.Name));
    }

    [Fact]
    public void Fresh_maildir_Dovecot_has_not_opened_is_a_mailbox_and_the_repairer_finds_nothing_to_do()
    {
        foreach (string sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
        }

        var location = new MailboxLocation("INBOX", dir, dir, dir, "maildir");
        Assert.Null(MailboxLocator.WhyNotAMailbox(location));
        MailboxRepairReport plan = MailboxRepairer.Repair(location, new MailboxRepairOptions { WhatIf = true });
        Assert.Empty(plan.Plan);
    }

    [Fact]
    public void Mail_root_Dovecot_made_lists_its_INBOX_and_folders()
    {
        Assert.True(DovecotMailbox.Missing() == null, "needs Dovecot: " + DovecotMailbox.Missing());
        using var mailbox = DovecotMailbox.Create(2);
        var created = mailbox.Doveadm("mailbox", "create", "Archive");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(new[] { "INBOX", "Archive" }, MailboxLocator.List(mailbox.Maildir).Select(m => m.Name));

        // With INDEX= elsewhere, INBOX's index folder (index/.INBOX) is looked at too, and its Maildir's cur/.
        string indexRoot = Path.Combine(dir, "index");
        Directory.CreateDirectory(indexRoot);
        Assert.Equal(new[] { "INBOX", "Archive" }, MailboxLocator.List(mailbox.Maildir, indexRoot, null).Select(m => m.Name));
        Assert.Empty(MailboxLocator.List(indexRoot));
    }
}
