using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// The safe writes on their own: a replacement keeps the original's owner and mode and leaves no temporary file; a
/// file changed after it was quarantined is not replaced, cut or removed; temporary files of dead repairs are removed
/// and those of live ones kept.
/// </summary>
public sealed class SafeFileWriterTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "mailstorage-safewrite-" + Guid.NewGuid().ToString("N")[..8]);

    public SafeFileWriterTests() => Directory.CreateDirectory(dir);

    public void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        if (Directory.Exists(QuarantineRoot))
        {
            Directory.Delete(QuarantineRoot, recursive: true);
        }
    }

    /// <summary>Beside the folder, not in it: a quarantine in a folder holding Dovecot's files is refused.</summary>
    private string QuarantineRoot => dir + "-q";

    [Fact]
    public void Replace_keeps_owner_and_mode_and_leaves_no_temporary_file()
    {
        string file = Path.Combine(dir, "dovecot-uidlist");
        File.WriteAllText(file, "old content\n");
        TestCommand.Must("chown", "65534:65534", file);
        TestCommand.Must("chmod", "0604", file);
        using var directory = MailboxDirectory.Open(dir);
        using var quarantine = Quarantine.Under(QuarantineRoot);
        QuarantinedFile copy = quarantine.Add(directory, "dovecot-uidlist", "Test", "replace");
        SafeFileWriter.Replace(directory, "dovecot-uidlist", "new content\n"u8, copy);

        Assert.Equal("new content\n", File.ReadAllText(file));
        Assert.Equal("65534:65534 604", TestCommand.Must("stat", "-c", "%u:%g %a", file).Trim());
        Assert.Equal(new[] { "dovecot-uidlist" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("old content\n", File.ReadAllText(copy.Copy));
    }

    [Fact]
    public void File_changed_after_quarantine_is_not_replaced_cut_or_removed()
    {
        string file = Path.Combine(dir, "dovecot.index.log");
        File.WriteAllText(file, "as quarantined");
        using var directory = MailboxDirectory.Open(dir);
        using var quarantine = Quarantine.Under(QuarantineRoot);
        QuarantinedFile copy = quarantine.Add(directory, "dovecot.index.log", "Test", "change");
        File.AppendAllText(file, ", then written by someone else");

        Assert.Equal(RepairRefusal.ChangedDuringRepair, Assert.Throws<RepairRefusedException>(() => SafeFileWriter.Replace(directory, "dovecot.index.log", "x"u8, copy)).Refusal);
        Assert.Equal(RepairRefusal.ChangedDuringRepair, Assert.Throws<RepairRefusedException>(() => SafeFileWriter.Truncate(directory, "dovecot.index.log", 2, copy)).Refusal);
        Assert.Equal(RepairRefusal.ChangedDuringRepair, Assert.Throws<RepairRefusedException>(() => SafeFileWriter.Remove(directory, "dovecot.index.log", copy)).Refusal);
        Assert.Equal("as quarantined, then written by someone else", File.ReadAllText(file));
        Assert.Equal(new[] { "dovecot.index.log" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void File_with_another_hard_link_is_not_replaced_cut_or_removed()
    {
        // The link exists before the quarantine copy, so the copy's status matches: only the link count tells.
        string file = Path.Combine(dir, "dovecot.index");
        string other = Path.Combine(dir, "elsewhere");
        File.WriteAllText(file, "shared by two names");
        TestCommand.Must("ln", file, other);
        string before = TestCommand.Must("stat", "-c", "%i %h %s %y %z", file);
        using var directory = MailboxDirectory.Open(dir);
        using var quarantine = Quarantine.Under(Path.Combine(dir, "q"));
        QuarantinedFile copy = quarantine.Add(directory, "dovecot.index", "Test", "hard link");

        Assert.Equal(RepairRefusal.HardLinked, Assert.Throws<RepairRefusedException>(() => SafeFileWriter.Replace(directory, "dovecot.index", "x"u8, copy)).Refusal);
        Assert.Equal(RepairRefusal.HardLinked, Assert.Throws<RepairRefusedException>(() => SafeFileWriter.Truncate(directory, "dovecot.index", 2, copy)).Refusal);
        Assert.Equal(RepairRefusal.HardLinked, Assert.Throws<RepairRefusedException>(() => SafeFileWriter.Remove(directory, "dovecot.index", copy)).Refusal);
        Assert.Equal("shared by two names", File.ReadAllText(file));
        Assert.Equal(before, TestCommand.Must("stat", "-c", "%i %h %s %y %z", file));
        Assert.Equal(new[] { "dovecot.index", "elsewhere", "q" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Temporary_files_of_dead_repairs_are_removed_those_of_live_ones_kept()
    {
        int dead;
        using (var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            gone.WaitForExit();
            dead = gone.Id;
        }

        using var alive = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            string stale = "dovecot.index.mailstorage-" + dead + "-0a1b2c3d.tmp";
            string live = "dovecot-uidlist.mailstorage-" + alive.Id + "-0a1b2c3d.tmp";
            foreach (string name in new[] { stale, live, "dovecot.index.tmp", "x.mailstorage-12-XYZ.tmp" })
            {
                File.WriteAllText(Path.Combine(dir, name), "temp");
            }

            Assert.Equal(dead, SafeFileWriter.TempOwner(stale));
            Assert.Null(SafeFileWriter.TempOwner("dovecot.index.tmp"));
            Assert.Null(SafeFileWriter.TempOwner("x.mailstorage-12-XYZ.tmp"));

            using var directory = MailboxDirectory.Open(dir);
            Assert.Equal(new[] { stale }, SafeFileWriter.RemoveStaleTemporaries(directory));
            Assert.False(File.Exists(Path.Combine(dir, stale)));
            Assert.True(File.Exists(Path.Combine(dir, live)));
            Assert.True(File.Exists(Path.Combine(dir, "dovecot.index.tmp")), "Dovecot's own temporary file is Dovecot's to remove");
        }
        finally
        {
            alive.Kill();
            alive.WaitForExit();
        }
    }
}
