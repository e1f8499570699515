using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// Where a quarantine may be. By default outside the mail tree (/var/lib/mailstorage/quarantine), so that Dovecot, as
/// the mail user, still creates, renames, subscribes and deletes every folder of a tree a root repair went through;
/// never inside a mailbox or a mail tree; never through a symbolic link; never a file. A refused path stops the repair
/// before its lock, with nothing created and no byte of the tree changed.
/// </summary>
public sealed class QuarantinePathTests : IClassFixture<RepairTemplate>
{
    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public QuarantinePathTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    [Fact]
    public void Default_quarantine_is_outside_the_mail_tree_and_Dovecot_then_manages_every_folder_cleanly()
    {
        using RepairMailbox mailbox = template.Clone();
        var problems = new List<string>();
        Doveadm(mailbox, problems, null, "mailbox", "create", "Archive");
        Doveadm(mailbox, problems, "Subject: archived\n\nkept\n", "save", "-m", "Archive");
        Doveadm(mailbox, problems, null, "mailbox", "status", "messages", "Archive");
        Assert.Empty(problems);
        string archive = Path.Combine(mailbox.Maildir, ".Archive");
        Assert.True(File.Exists(Path.Combine(archive, "dovecot.index.log")), "Dovecot made no log for Archive");
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        CorruptionGenerator.Apply(Damage.LogGarbageAtEof, archive, CorruptionTests.Outside(mailbox));

        using var cleanup = new DefaultRootCleanup();
        var options = new MailboxRepairOptions { Lock = new MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) }, MailRoots = new[] { mailbox.Maildir } };
        foreach (MailboxLocation location in MailboxLocator.List(mailbox.Maildir, null, null))
        {
            MailboxRepairReport report = MailboxRepairer.Repair(location, options);
            cleanup.Created(report.QuarantinePath);
            output.WriteLine(location.Name + ": " + string.Join("; ", report.Actions) + " -> " + report.QuarantinePath);
            Assert.True(report.Changed, location.Name + " was not repaired");
            Assert.StartsWith(Quarantine.DefaultRoot + "/", report.QuarantinePath, StringComparison.Ordinal);
            Assert.EndsWith(location.MailDirectory.Replace('/', '_'), Path.GetFileName(report.QuarantinePath), StringComparison.Ordinal);
            Assert.Equal("700 0:0", TestCommand.Must("stat", "-c", "%a %u:%g", report.QuarantinePath!).Trim());
            Assert.Contains(QuarantineEntry.ReadManifest(report.QuarantinePath!), e => e.Original.StartsWith(location.IndexDirectory + "/", StringComparison.Ordinal));
        }

        Assert.Empty(mailbox.Open().Problems);
        Doveadm(mailbox, problems, null, "mailbox", "create", "Projects");
        Doveadm(mailbox, problems, null, "mailbox", "rename", "Projects", "Projects2");
        Doveadm(mailbox, problems, null, "mailbox", "subscribe", "Projects2");
        Doveadm(mailbox, problems, null, "mailbox", "unsubscribe", "Projects2");
        Doveadm(mailbox, problems, null, "mailbox", "rename", "Archive", "Archive2");
        Doveadm(mailbox, problems, null, "mailbox", "delete", "Archive2");
        Doveadm(mailbox, problems, null, "mailbox", "delete", "Projects2");
        Assert.Empty(problems);
        Assert.Equal(new[] { "INBOX" }, Doveadm(mailbox, problems, null, "mailbox", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(TestCommand.Must("find", mailbox.Maildir, "(", "-uid", "0", "-o", "-name", "*mailstorage*", ")").Trim());
    }

    [Theory]
    [InlineData("new")]
    [InlineData(".Quarantine")]
    [InlineData("cur/../tmp")]
    [InlineData(".")]
    [InlineData("cur/q/r")]
    public void Quarantine_inside_the_mailbox_is_refused_before_the_lock_with_nothing_changed(string under)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        var before = MailboxRepairerTests.TreeHashes(mailbox.Root);
        var refused = RefusedUnderOurLock(mailbox, Path.Combine(mailbox.Maildir, under));
        Assert.Equal(RepairRefusal.QuarantineInsideMailTree, refused.Refusal);
        Assert.Contains(mailbox.Maildir, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, MailboxRepairerTests.TreeHashes(mailbox.Root));
    }

    [Fact]
    public void Quarantine_in_another_folder_of_the_mail_tree_or_an_index_root_is_refused()
    {
        using RepairMailbox mailbox = template.Clone();
        string sent = Path.Combine(mailbox.Maildir, ".Sent");
        foreach (string sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(sent, sub));
        }

        var location = new MailboxLocation("Sent", sent, sent, sent, "maildir");

        // The mail root holds cur/ and new/: a folder beside .Sent is in the tree even with no root given.
        Assert.Equal(RepairRefusal.QuarantineInsideMailTree, Assert.Throws<RepairRefusedException>(
            () => Quarantine.Check(Path.Combine(mailbox.Maildir, ".Quarantine"), Quarantine.MailTreeOf(location))).Refusal);

        // An INDEX= root holds no Maildir: it is refused because the caller names it (links resolved).
        string indexRoot = Directory.CreateDirectory(Path.Combine(mailbox.Root, "index-root")).FullName;
        string indexLink = Path.Combine(mailbox.Root, "index-link");
        File.CreateSymbolicLink(indexLink, indexRoot);
        var refused = Assert.Throws<RepairRefusedException>(() => Quarantine.Check(Path.Combine(indexRoot, "q"), Quarantine.MailTreeOf(location, new[] { indexLink })));
        output.WriteLine(refused.Message);
        Assert.Equal(RepairRefusal.QuarantineInsideMailTree, refused.Refusal);

        // Above the tree is fine: only a dated folder is made there.
        Assert.Equal(mailbox.Root, Quarantine.Check(mailbox.Root, Quarantine.MailTreeOf(location, new[] { mailbox.Maildir, indexLink })));
        Assert.Equal("/", Quarantine.Check("/", Quarantine.MailTreeOf(location, new[] { mailbox.Maildir })));
    }

    [Fact]
    public void Default_root_inside_a_mail_tree_is_refused_too()
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        bool existed = Directory.Exists(Quarantine.DefaultRoot);
        string mailRoot = Path.GetDirectoryName(Quarantine.DefaultRoot)!;
        var options = new MailboxRepairOptions { Lock = new MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) }, MailRoots = new[] { mailRoot } };
        var refused = Assert.Throws<RepairRefusedException>(() => MailboxRepairer.Repair(mailbox.Location, options));
        output.WriteLine(refused.Message);
        Assert.Equal(RepairRefusal.QuarantineInsideMailTree, refused.Refusal);
        Assert.Contains(Quarantine.DefaultRoot, refused.Message, StringComparison.Ordinal);
        Assert.Equal(existed, Directory.Exists(Quarantine.DefaultRoot));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Quarantine_path_with_a_symbolic_link_in_it_is_refused_with_nothing_created(bool intoTheMailTree)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string target = intoTheMailTree ? mailbox.Maildir : Directory.CreateDirectory(Path.Combine(mailbox.Root, "elsewhere")).FullName;
        string link = Path.Combine(mailbox.Root, "x", "qlink");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);
        var before = MailboxRepairerTests.TreeHashes(mailbox.Root);

        var refused = RefusedUnderOurLock(mailbox, Path.Combine(link, "sub2"));
        output.WriteLine(refused.Message);
        Assert.Equal(RepairRefusal.QuarantinePathSymbolicLink, refused.Refusal);
        Assert.Contains(link + ".", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, MailboxRepairerTests.TreeHashes(mailbox.Root));

        // Also when the link is not the first thing the path meets, and with .. after it.
        Assert.Equal(RepairRefusal.QuarantinePathSymbolicLink, Assert.Throws<RepairRefusedException>(() => Quarantine.CheckPath(link + "/../x/q")).Refusal);
    }

    [Fact]
    public void Quarantine_path_that_is_a_file_is_refused_as_not_a_folder()
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string file = CorruptionTests.Outside(mailbox);
        var before = MailboxRepairerTests.TreeHashes(mailbox.Root);
        foreach (string path in new[] { file, Path.Combine(file, "sub") })
        {
            var refused = RefusedUnderOurLock(mailbox, path);
            output.WriteLine(refused.Message);
            Assert.Equal(RepairRefusal.QuarantinePathNotFolder, refused.Refusal);
            Assert.Contains(file, refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, MailboxRepairerTests.TreeHashes(mailbox.Root));
    }

    /// <summary>
    /// The refusal a repair with <paramref name="quarantineRoot"/> throws while this test holds the mailbox lock: had
    /// the repair tried the lock first, it would have timed out instead.
    /// </summary>
    private static RepairRefusedException RefusedUnderOurLock(RepairMailbox mailbox, string quarantineRoot)
    {
        using MailboxLock held = mailbox.Lock();
        var options = new MailboxRepairOptions { Lock = new MailboxLockOptions { Timeout = TimeSpan.Zero }, QuarantineRoot = quarantineRoot };
        return Assert.Throws<RepairRefusedException>(() => MailboxRepairer.Repair(mailbox.Location, options));
    }

    /// <summary>Runs doveadm; adds its exit code when not 0 and its Error/Warning/Panic/Fatal lines to <paramref name="problems"/>.</summary>
    private static string Doveadm(RepairMailbox mailbox, List<string> problems, string? input, params string[] arguments)
    {
        DoveadmRun run = mailbox.Doveadm(input, arguments);
        string what = "doveadm " + string.Join(' ', arguments) + ": ";
        if (run.ExitCode != 0)
        {
            problems.Add(what + "exit code " + run.ExitCode);
        }

        problems.AddRange(run.Stderr.Split('\n')
            .Where(l => l.Contains("Error:", StringComparison.Ordinal) || l.Contains("Warning:", StringComparison.Ordinal) ||
                        l.Contains("Panic:", StringComparison.Ordinal) || l.Contains("Fatal:", StringComparison.Ordinal))
            .Select(l => what + l.Trim()));
        return run.Stdout;
    }
}

/// <summary>
/// Removes what a test made under <see cref="Quarantine.DefaultRoot"/>: the quarantine folders it was told of, then the
/// root and its parent when they did not exist before and are empty. Nothing else there is touched.
/// </summary>
internal sealed class DefaultRootCleanup : IDisposable
{
    private readonly List<string> folders = new();
    private readonly List<string> missingBefore;

    public DefaultRootCleanup()
    {
        // Deepest first, so an emptied root goes before its parent.
        missingBefore = new[] { Quarantine.DefaultRoot, Path.GetDirectoryName(Quarantine.DefaultRoot)! }.Where(p => !Directory.Exists(p)).ToList();
    }

    public void Created(string? folder)
    {
        if (folder != null)
        {
            folders.Add(folder);
        }
    }

    public void Dispose()
    {
        foreach (string folder in folders.Where(f => f.StartsWith(Quarantine.DefaultRoot + "/", StringComparison.Ordinal)))
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach (string dir in missingBefore.Where(d => Directory.Exists(d) && !Directory.EnumerateFileSystemEntries(d).Any()))
        {
            Directory.Delete(dir);
        }
    }
}
