using System;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// The quarantine: copies byte for byte with owner, mode and times; a manifest line per copy with the SHA-256; folders
/// named by UTC time (where it may be: QuarantinePathTests).
/// </summary>
public sealed class QuarantineTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Copy_keeps_bytes_owner_mode_and_times_and_the_manifest_lists_it()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mailstorage-quarantine-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "dovecot.index");
            var content = new byte[3 * 1024 * 1024 + 17];
            new Random(7).NextBytes(content);
            File.WriteAllBytes(file, content);
            TestCommand.Must("chown", "65534:65534", file);
            TestCommand.Must("chmod", "0640", file);
            TestCommand.Must("touch", "-d", "2021-02-03 04:05:06.123456789 UTC", file);
            string before = Stat(file, withAccessTime: true);

            string root = Path.Combine(dir, "q");
            using var quarantine = Quarantine.Under(root, () => Noon);
            using (var directory = MailboxDirectory.Open(dir))
            {
                quarantine.Add(directory, "dovecot.index", "Test", "first");
                quarantine.Add(directory, "dovecot.index", "Test", "second");
            }

            Assert.Equal(Path.Combine(root, "20261130T120000Z"), quarantine.Path);
            string copy = Path.Combine(quarantine.Path!, "dovecot.index");
            Assert.Equal(before, Stat(copy, withAccessTime: true));
            Assert.Equal(before, Stat(file, withAccessTime: true));
            Assert.Equal(content, File.ReadAllBytes(copy));
            Assert.Equal(content, File.ReadAllBytes(copy + ".1"));
            Assert.Equal("700", TestCommand.Must("stat", "-c", "%a", quarantine.Path!).Trim());

            var entries = QuarantineEntry.ReadManifest(quarantine.Path!);
            Assert.Equal(new[] { "dovecot.index", "dovecot.index.1" }, entries.Select(e => e.Copy));
            QuarantineEntry entry = entries[0];
            Assert.Equal(file, entry.Original);
            Assert.Equal("first", entry.Reason);
            Assert.Equal(CorruptionTests.Sha256(content), entry.Sha256);
            Assert.Equal(content.Length, entry.Size);
            Assert.Equal((65534u, 65534u, "0640"), (entry.Uid, entry.Gid, entry.Mode));
            Assert.Equal((new DateTimeOffset(2021, 2, 3, 4, 5, 6, TimeSpan.Zero).ToUnixTimeSeconds() * 1_000_000_000L) + 123456789, entry.ModifyTimeNanoseconds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_second_quarantine_in_the_same_second_gets_its_own_folder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mailstorage-quarantine-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            // The "mailbox" beside the quarantine root: a quarantine in a folder holding dovecot-uidlist is refused.
            string mailboxDir = Directory.CreateDirectory(Path.Combine(dir, "m")).FullName;
            File.WriteAllText(Path.Combine(mailboxDir, "dovecot-uidlist"), "3 V1 N1\n");
            string root = Path.Combine(dir, "q");
            using var directory = MailboxDirectory.Open(mailboxDir);
            using var first = Quarantine.Under(root, () => Noon);
            using var second = Quarantine.Under(root, () => Noon);
            first.Add(directory, "dovecot-uidlist", "Test", "one");
            second.Add(directory, "dovecot-uidlist", "Test", "two");
            Assert.Equal(Path.Combine(root, "20261130T120000Z"), first.Path);
            Assert.Equal(Path.Combine(root, "20261130T120000Z-1"), second.Path);
            Assert.Equal("two", Assert.Single(QuarantineEntry.ReadManifest(second.Path!)).Reason);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Folder_name_is_the_UTC_time()
    {
        Assert.Equal("20261130T120000Z", Quarantine.FolderName(new DateTimeOffset(2026, 11, 30, 13, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal(
            DateTimeOffset.ParseExact("20261130T120000Z", "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            Noon);
    }

    [Fact]
    public void Folder_name_of_a_mailbox_is_the_time_and_its_mail_folder_cut_to_fit()
    {
        var archive = new MailStorage.Core.Mailboxes.MailboxLocation("Archive", "/srv/mail/alice/Maildir/.Archive", "/idx/alice/.Archive", "/idx/alice/.Archive", "maildir");
        Assert.Equal("20261130T120000Z_srv_mail_alice_Maildir_.Archive", Quarantine.FolderName(Noon, archive));

        string deep = "/srv/" + string.Join('/', Enumerable.Repeat("level", 60)) + "/Maildir/.Sent";
        string name = Quarantine.FolderName(Noon, new MailStorage.Core.Mailboxes.MailboxLocation("Sent", deep, deep, deep, "maildir"));
        Assert.Equal(16 + Quarantine.MaxLabelBytes, name.Length);
        Assert.EndsWith("_Maildir_.Sent", name, StringComparison.Ordinal);
    }

    /// <summary>Size, owner, mode, mtime to the nanosecond (and atime: reading a file may move its own).</summary>
    private static string Stat(string path, bool withAccessTime = false) =>
        TestCommand.Must("stat", "-c", withAccessTime ? "%s %u:%g %a %y %x" : "%s %u:%g %a %y", path).Trim();
}
