using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// dovecot.list.index as real Dovecot 2.3.19 writes it (mailbox_list_index = yes, its default): folders created,
/// filled, renamed and deleted by doveadm must list exactly as <c>doveadm mailbox list</c> lists them (names and
/// order), and the GUIDs, UIDVALIDITYs and cached counts must equal <c>doveadm mailbox status</c>.
/// </summary>
public sealed class MailboxListIndexTests
{
    /// <summary>What doveadm mailbox status is asked for (doveadm prints them in its own fixed order).</summary>
    internal const string StatusFields = "messages unseen uidnext uidvalidity guid";

    private readonly ITestOutputHelper output;

    public MailboxListIndexTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Folders_created_filled_renamed_and_deleted_list_as_doveadm_lists_them()
    {
        using var mailbox = DovecotMailbox.Create(2);
        Must(mailbox, "mailbox", "create", "Work", "Work.Projects", "Archive.2023.Q1", "Sent", "Trash", "Lists.dovecot", "Ünïcödé", "R&D");
        for (int i = 0; i < 3; i++)
        {
            Save(mailbox, "Work", "work " + i);
        }

        Save(mailbox, "Lists.dovecot", "list mail");
        Save(mailbox, "R&D", "research");
        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "Work", "uid", "2");
        Must(mailbox, "mailbox", "rename", "Lists.dovecot", "Lists.devel");
        Must(mailbox, "mailbox", "rename", "Archive.2023.Q1", "Old.Q1");
        Must(mailbox, "mailbox", "delete", "Trash");

        MailboxListIndex list = AssertSameAsDovecot(mailbox);
        Assert.False(list.Map.FromIndex, "a few folders should leave only dovecot.list.index.log");
        Assert.Equal(3u, list.Find("Work")!.Status!.Messages);
        Assert.Equal(2u, list.Find("Work")!.Status!.Unseen);
        Assert.NotNull(list.Find("Ünïcödé"));
        Assert.Equal("&ANw-n&AO8-c&APY-d&AOk-", list.Find("Ünïcödé")!.RawName);
        Assert.Equal("R&-D", list.Find("R&D")!.RawName);
        Assert.Equal(MailboxListFlags.NonExistent, list.Find("Old")!.Flags & MailboxListFlags.NonExistent);
        Assert.Null(list.Find("Trash"));
        Assert.Null(list.Find("Lists.dovecot"));
        Assert.Equal(1, list.Find("Lists.devel")!.Level);
    }

    [Fact]
    public void Hundreds_of_folders_are_read_from_the_rotated_list_index_and_its_log_tail()
    {
        using var mailbox = DovecotMailbox.Create(1);
        for (int batch = 0; batch < 4; batch++)
        {
            Must(mailbox, new[] { "mailbox", "create" }.Concat(Enumerable.Range(1, 40).Select(i => "Box" + batch + ".F" + i)).ToArray());
        }

        Must(mailbox, "mailbox", "status", "messages", "*");
        string listIndex = Path.Combine(mailbox.Maildir, DovecotFileNames.ListIndex);
        Assert.True(File.Exists(listIndex), "Dovecot wrote no dovecot.list.index (the log did not rotate)");

        // Changes after the index file was written live only in the log.
        Save(mailbox, "Box1.F7", "late one");
        Save(mailbox, "Box1.F7", "late two");
        Must(mailbox, "mailbox", "create", "Late", "Late.Child");
        Must(mailbox, "mailbox", "delete", "Box2.F3");
        Must(mailbox, "mailbox", "rename", "Box3.F40", "Renamed");

        // Read before doveadm's status of every folder below: on a loaded machine its updates of the cached statuses
        // can grow the log past rewrite_min_log_bytes, and Dovecot then writes the tail into the index file.
        MailboxListIndex tail = MailboxListIndex.Read(mailbox.Maildir, '.');
        Assert.Empty(tail.Problems);
        Assert.True(tail.Map.FromIndex);
        Assert.True(tail.Map.Records.Any(r => string.Equals(r.File, listIndex + ".log", StringComparison.Ordinal)), "nothing came from the log tail");

        MailboxListIndex list = AssertSameAsDovecot(mailbox);
        Assert.True(list.Mailboxes.Count > 160);
        Assert.Equal(2u, list.Find("Box1.F7")!.Status!.Messages);
    }

    [Fact]
    public async Task Cached_status_is_current_until_mail_arrives_in_new()
    {
        using var mailbox = DovecotMailbox.Create(1);
        Must(mailbox, "mailbox", "create", "Quiet");
        Save(mailbox, "Quiet", "one");

        // Dovecot records new/ and cur/ times only once they are older than its one-second dirty window.
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Must(mailbox, "force-resync", "Quiet");
        Must(mailbox, "mailbox", "status", "messages", "Quiet");
        string folder = Path.Combine(mailbox.Maildir, ".Quiet");
        MailboxListEntry quiet = MailboxListIndex.Read(mailbox.Maildir, '.').Find("Quiet")!;
        Assert.True(quiet.IsStatusCurrent(folder, folder), "status not current: log " + quiet.SyncedLogSize + "/" + quiet.SyncedLogMtime + ", maildir " + quiet.MaildirMtimes);

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        string delivered = Path.Combine(folder, "new", "1700000000.M1P1.mailstorage-test");
        File.WriteAllText(delivered, "Subject: new\n\nbody\n");
        quiet = MailboxListIndex.Read(mailbox.Maildir, '.').Find("Quiet")!;
        Assert.False(quiet.IsStatusCurrent(folder, folder), "a delivery to new/ did not make the cached status stale");
        Assert.Equal(1u, quiet.Status!.Messages);
    }

    /// <summary>Runs doveadm and fails on a non-zero exit or an error message.</summary>
    internal static string Must(DovecotMailbox mailbox, params string[] arguments)
    {
        var run = mailbox.Doveadm(arguments);
        Assert.True(run.ExitCode == 0 && !run.Output.Contains("Error:", StringComparison.Ordinal), "doveadm " + string.Join(' ', arguments) + ": " + run);
        return run.Output;
    }

    internal static void Save(DovecotMailbox mailbox, string folder, string subject)
    {
        string message = "From: sender@example.org\nSubject: " + subject + "\nMessage-ID: <" + Guid.NewGuid().ToString("N") + "@example.org>\n\nbody\n";
        var run = mailbox.DoveadmWithInput(message, "save", "-m", folder);
        Assert.True(run.ExitCode == 0, "doveadm save -m " + folder + ": " + run);
    }

    /// <summary><c>doveadm -f tab mailbox status</c> of every selectable mailbox: name → column → value.</summary>
    internal static Dictionary<string, Dictionary<string, string>> Status(DovecotMailbox mailbox, string fields, string pattern = "*")
    {
        string[] lines = Must(mailbox, "-f", "tab", "mailbox", "status", fields, pattern).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] columns = lines[0].Split('\t');
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            string[] values = line.Split('\t');
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < columns.Length && i < values.Length; i++)
            {
                row[columns[i]] = values[i];
            }

            result[row["mailbox"]] = row;
        }

        return result;
    }

    /// <summary>
    /// doveadm first (its status may open stale mailboxes and refresh their cached counts), then our reading of what it
    /// left: the same names in the same order, the same selectable set, and the same GUID, UIDVALIDITY and counts.
    /// </summary>
    private MailboxListIndex AssertSameAsDovecot(DovecotMailbox mailbox)
    {
        var status = Status(mailbox, StatusFields);
        string[] names = Must(mailbox, "mailbox", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        MailboxListIndex list = MailboxListIndex.Read(mailbox.Maildir, '.');
        foreach (IndexProblem problem in list.Problems)
        {
            output.WriteLine(problem.ToString());
        }

        Assert.Empty(list.Problems);
        Assert.Equal(names, list.Mailboxes.Select(m => m.Name).ToArray());
        Assert.Equal(status.Keys.Order(StringComparer.Ordinal), list.Mailboxes.Where(m => m.IsSelectable).Select(m => m.Name).Order(StringComparer.Ordinal));
        int current = 0;
        foreach (MailboxListEntry entry in list.Mailboxes.Where(m => m.IsSelectable))
        {
            Dictionary<string, string> theirs = status[entry.Name];
            Assert.True(theirs["guid"] == entry.GuidText, entry.Name + ": guid " + theirs["guid"] + ", ours " + entry.GuidText);
            Assert.True(theirs["uidvalidity"] == N(entry.UidValidity), entry.Name + ": uidvalidity " + theirs["uidvalidity"] + ", ours " + entry.UidValidity);
            if (entry.Name == "INBOX")
            {
                // mailbox_list_index_include_inbox = no: INBOX's counts are never cached.
                Assert.Null(entry.Status);
                continue;
            }

            Assert.True(entry.Status != null, entry.Name + " has no cached status");
            string ours = N(entry.Status.Messages) + " " + N(entry.Status.Unseen) + " " + N(entry.Status.UidNext);
            Assert.Equal(theirs["messages"] + " " + theirs["unseen"] + " " + theirs["uidnext"], ours);
            string folder = Path.Combine(mailbox.Maildir, "." + entry.RawName);
            current += entry.IsStatusCurrent(folder, folder) ? 1 : 0;
        }

        output.WriteLine(list.Mailboxes.Count + " mailboxes, " + status.Count + " selectable, " + current + " with a status Dovecot would use without opening the mailbox; log at " + list.Map.LogPosition);
        return list;
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
