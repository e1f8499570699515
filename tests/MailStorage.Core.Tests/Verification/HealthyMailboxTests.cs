using System;
using System.IO;
using System.Linq;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Tests.Index;
using MailStorage.Core.Tests.TestBeds;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// Mailboxes Dovecot built and left sound, in the shapes it leaves them in, give no damage at all: a folder with only
/// a transaction log, and a mail root with folders whose indexes and uidlists live elsewhere (INDEX= and CONTROL=),
/// found by MailboxLocator as Get-MailStorageMailbox finds them.
/// </summary>
public sealed class HealthyMailboxTests
{
    private readonly ITestOutputHelper output;

    public HealthyMailboxTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Mailbox_with_only_a_log_has_no_damage()
    {
        using var mailbox = DovecotMailbox.Create(5);
        DovecotIndexInteropTests.Must(mailbox, "flags", "add", "\\Seen $Work", "mailbox", "INBOX", "uid", "1:3");
        DovecotIndexInteropTests.Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "2");
        Assert.False(File.Exists(Path.Combine(mailbox.Maildir, "dovecot.index")), "this case needs a mailbox without dovecot.index");

        var damages = MailboxVerifier.Verify(new MailboxLocation("INBOX", mailbox.Maildir, mailbox.Maildir, mailbox.Maildir, "maildir"));
        foreach (IndexDamage damage in damages)
        {
            output.WriteLine(damage.ToString());
        }

        Assert.Empty(damages);
    }

    [Fact]
    public void Folders_with_separate_index_and_control_roots_have_no_damage()
    {
        using var mailbox = DovecotMailbox.Create(1);
        string root = Path.Combine(mailbox.Root, "split");
        string mail = Path.Combine(root, "Maildir");
        string indexRoot = Path.Combine(root, "index");
        string controlRoot = Path.Combine(root, "control");
        foreach (string dir in new[] { mail, indexRoot, controlRoot })
        {
            Directory.CreateDirectory(dir);
        }

        TestCommand.Must("chown", "-R", DovecotMailbox.MailId + ":" + DovecotMailbox.MailId, root);
        TestCommand.Must("chmod", "0755", root);
        string[] location = { "-o", "mail_location=maildir:" + mail + ":INDEX=" + indexRoot + ":CONTROL=" + controlRoot };
        DovecotIndexInteropTests.Must(mailbox, location.Concat(new[] { "mailbox", "create", "Sent" }).ToArray());
        DovecotIndexInteropTests.Must(mailbox, location.Concat(new[] { "mailbox", "create", "Archive.2024" }).ToArray());
        // Without a namespace separator Maildir++ separates levels with '.'; MailboxLocator names them with '/'.
        foreach (string folder in new[] { "INBOX", "Sent", "Archive.2024" })
        {
            for (int i = 0; i < 3; i++)
            {
                var run = mailbox.DoveadmWithInput("Subject: " + folder + " " + i + "\n\nbody\n", location.Concat(new[] { "save", "-m", folder }).ToArray());
                Assert.True(run.ExitCode == 0, run.ToString());
            }

            DovecotIndexInteropTests.Must(mailbox, location.Concat(new[] { "flags", "add", "\\Seen", "mailbox", folder, "uid", "2" }).ToArray());
        }

        var boxes = MailboxLocator.List(mail, indexRoot, controlRoot);
        Assert.Equal(new[] { "INBOX", "Archive/2024", "Sent" }, boxes.Select(b => b.Name));
        foreach (MailboxLocation box in boxes)
        {
            Assert.True(File.Exists(Path.Combine(box.ControlDirectory, "dovecot-uidlist")), box.Name + ": no uidlist in " + box.ControlDirectory);
            Assert.True(File.Exists(Path.Combine(box.IndexDirectory, "dovecot.index.log")), box.Name + ": no log in " + box.IndexDirectory);
            var damages = MailboxVerifier.Verify(box);
            foreach (IndexDamage damage in damages)
            {
                output.WriteLine(damage.ToString());
            }

            Assert.Empty(damages);
        }

        // The uidlist is looked for in the control folder only: losing it there is found.
        File.Delete(Path.Combine(boxes[2].ControlDirectory, "dovecot-uidlist"));
        Assert.Contains(MailboxVerifier.Verify(boxes[2]), d => d.Code == IndexDamageKind.UidListMissing && d.Mailbox == "Sent");
    }
}
