using System;
using System.IO;
using System.Linq;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// Repairs run as root in folders their users can write. A symbolic link planted in place of any file a repair reads
/// or writes (index, cache, log, uidlist, the mailbox folder, the quarantine folder) is refused and left alone, the
/// file it points at outside the mailbox is unchanged to the byte and to the nanosecond; a FIFO does not hang a repair;
/// a log hard-linked to an outside file is not cut.
/// </summary>
public sealed class RepairSecurityTests : IClassFixture<RepairTemplate>
{
    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public RepairSecurityTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    [Theory]
    [InlineData("dovecot.index")]
    [InlineData("dovecot.index.cache")]
    [InlineData("dovecot-uidlist")]
    public void Symlink_in_place_of_a_mailbox_file_is_left_alone_and_its_target_unchanged(string name)
    {
        using RepairMailbox mailbox = template.Clone();
        string outside = PlantLink(mailbox, name);
        var before = Snapshot(outside);

        using var quarantine = Quarantine.Under(CorruptionTests.QuarantineRoot(mailbox));
        using (var held = mailbox.Lock())
        using (var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine))
        {
            Func<RepairResult> action = name switch
            {
                "dovecot.index" => repair.FixIndexHeader,
                "dovecot.index.cache" => () => repair.QuarantineIndexFile(name),
                _ => repair.RebuildUidList,
            };
            var refused = Assert.Throws<RepairRefusedException>(() => action());
            output.WriteLine(refused.Message);
            Assert.Equal(RepairRefusal.SymbolicLink, refused.Refusal);
            Assert.Contains(mailbox.FileOf(name), refused.Message, StringComparison.Ordinal);

            if (name == "dovecot.index")
            {
                Assert.Equal(RepairRefusal.SymbolicLink, Assert.Throws<RepairRefusedException>(() => repair.QuarantineIndexFile(name)).Refusal);

                // The other actions still work and read around the link.
                Assert.Equal(RepairAction.None, repair.CutTransactionLog().Action);
                Assert.Equal(RepairAction.None, repair.RebuildUidList().Action);
            }
        }

        Assert.Equal(outside, new FileInfo(mailbox.FileOf(name)).LinkTarget);
        Assert.Equal(before, Snapshot(outside));
        Assert.Null(quarantine.Path);
    }

    [Fact]
    public void Symlink_in_place_of_the_log_stops_the_lock_and_its_target_is_unchanged()
    {
        using RepairMailbox mailbox = template.Clone();
        string outside = PlantLink(mailbox, "dovecot.index.log");
        var before = Snapshot(outside);
        var refused = Assert.ThrowsAny<IOException>(() => mailbox.Lock());
        output.WriteLine(refused.Message);
        Assert.Contains("symbolic link", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(outside));
    }

    [Fact]
    public void Symlinked_mailbox_folder_is_refused()
    {
        using RepairMailbox mailbox = template.Clone();
        string real = Path.Combine(mailbox.Root, "real-maildir");
        Directory.Move(mailbox.Maildir, real);
        File.CreateSymbolicLink(mailbox.Maildir, real);
        using var quarantine = Quarantine.Under(CorruptionTests.QuarantineRoot(mailbox));
        using var held = mailbox.Lock();
        var refused = Assert.Throws<RepairRefusedException>(() => MailIndexRepair.Begin(mailbox.Location, held, quarantine));
        Assert.Equal(RepairRefusal.SymbolicLink, refused.Refusal);
    }

    [Fact]
    public void Symlink_planted_as_the_quarantine_folder_is_refused_and_nothing_is_written_through_it()
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string elsewhere = Path.Combine(mailbox.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        byte[] damaged = File.ReadAllBytes(mailbox.FileOf("dovecot.index"));

        using var quarantine = Quarantine.Under(CorruptionTests.QuarantineRoot(mailbox));

        // Swapped in after the path was checked: the no-follow walk that creates the folder refuses it too.
        File.CreateSymbolicLink(CorruptionTests.QuarantineRoot(mailbox), elsewhere);
        using (var held = mailbox.Lock())
        using (var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine))
        {
            var refused = Assert.Throws<RepairRefusedException>(() => repair.FixIndexHeader());
            output.WriteLine(refused.Message);
            Assert.Equal(RepairRefusal.QuarantinePathSymbolicLink, refused.Refusal);
            Assert.Contains(CorruptionTests.QuarantineRoot(mailbox), refused.Message, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.Equal(damaged, File.ReadAllBytes(mailbox.FileOf("dovecot.index")));
    }

    [Fact]
    public void Fifo_in_place_of_the_index_is_refused_without_hanging()
    {
        using RepairMailbox mailbox = template.Clone();
        File.Delete(mailbox.FileOf("dovecot.index"));
        TestCommand.Must("mkfifo", mailbox.FileOf("dovecot.index"));
        using var quarantine = Quarantine.Under(CorruptionTests.QuarantineRoot(mailbox));
        using var held = mailbox.Lock();
        using var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine);
        Assert.Equal(RepairRefusal.NotRegularFile, Assert.Throws<RepairRefusedException>(() => repair.FixIndexHeader()).Refusal);
    }

    [Fact]
    public void Log_hard_linked_to_an_outside_file_is_not_cut()
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.LogGarbageAtEof, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string outside = Path.Combine(mailbox.Root, "hard-linked-log");
        TestCommand.Must("ln", mailbox.FileOf("dovecot.index.log"), outside);
        var before = Snapshot(outside);

        using var quarantine = Quarantine.Under(CorruptionTests.QuarantineRoot(mailbox));
        using (var held = mailbox.Lock())
        using (var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine))
        {
            var refused = Assert.Throws<RepairRefusedException>(() => repair.CutTransactionLog());
            output.WriteLine(refused.Message);
            Assert.Equal(RepairRefusal.HardLinked, refused.Refusal);
        }

        Assert.Equal(before, Snapshot(outside));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Symlinked_mailbox_folder_is_refused_by_a_plan_as_by_a_run_and_nothing_is_created_through_it(bool whatIf)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string real = Path.Combine(mailbox.Root, "real-maildir");
        Directory.Move(mailbox.Maildir, real);
        File.CreateSymbolicLink(mailbox.Maildir, real);
        string before = FolderState(real);

        var refused = Assert.Throws<RepairRefusedException>(() => MailboxRepairer.Repair(mailbox.Location, Options(whatIf)));
        output.WriteLine(refused.Message);
        Assert.Equal(RepairRefusal.SymbolicLink, refused.Refusal);
        Assert.Equal(mailbox.Maildir, refused.Path);

        // Taking the lock would have made and removed dovecot-uidlist.lock in the link's target: its mtime and ctime say.
        Assert.Equal(before, FolderState(real));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Symlinked_log_is_refused_by_a_plan_as_by_a_run_before_any_lock_is_taken(bool whatIf)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string outside = PlantLink(mailbox, "dovecot.index.log");
        string before = FolderState(mailbox.Maildir) + "\n" + FolderState(mailbox.Root) + "\n" + Snapshot(outside);

        var refused = Assert.Throws<RepairRefusedException>(() => MailboxRepairer.Repair(mailbox.Location, Options(whatIf)));
        output.WriteLine(refused.Message);
        Assert.Equal(RepairRefusal.SymbolicLink, refused.Refusal);
        Assert.Equal(mailbox.FileOf("dovecot.index.log"), refused.Path);
        Assert.Equal(before, FolderState(mailbox.Maildir) + "\n" + FolderState(mailbox.Root) + "\n" + Snapshot(outside));
    }

    private static MailboxRepairOptions Options(bool whatIf) => new()
    {
        WhatIf = whatIf,
        Lock = new MailStorage.Core.Locking.MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) },
    };

    /// <summary>A folder's entries and its own mtime and ctime (a file created and removed in it moves both).</summary>
    private static string FolderState(string folder) =>
        string.Join(",", Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)) + " " +
        TestCommand.Must("stat", "-c", "%y %z", folder).Trim();

    private static string PlantLink(RepairMailbox mailbox, string name)
    {
        // The target is a sound copy of the real file, so a repair that followed the link would find work to do.
        string outside = Path.Combine(mailbox.Root, "outside-" + name);
        File.Copy(mailbox.FileOf(name), outside);
        if (name == "dovecot.index")
        {
            CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, outside);
            File.Copy(mailbox.FileOf(name), outside, overwrite: true);
        }
        else if (name == "dovecot-uidlist")
        {
            File.AppendAllText(outside, "garbage line\n");
        }
        else if (name == "dovecot.index.log")
        {
            File.AppendAllText(outside, "garbage");
        }

        File.Delete(mailbox.FileOf(name));
        File.CreateSymbolicLink(mailbox.FileOf(name), outside);
        return outside;
    }

    private static string Snapshot(string path) =>
        CorruptionTests.Sha256(File.ReadAllBytes(path)) + " " + TestCommand.Must("stat", "-c", "%s %u:%g %a %y %z %h", path).Trim();
}
