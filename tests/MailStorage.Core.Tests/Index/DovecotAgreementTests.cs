using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// Larger and different histories than DovecotIndexInteropTests: 10,000 messages with range changes, moves between
/// folders, and CONDSTORE modseqs. For each mailbox both replays (<see cref="MailboxState"/> and the extension-aware
/// <see cref="IndexMap"/>) must equal <c>doveadm fetch 'uid flags'</c> (without \Recent), their counters
/// <c>doveadm mailbox status</c>, and the map's counters the header <c>doveadm dump</c> prints after Dovecot applies
/// the log to dovecot.index.
/// </summary>
public sealed class DovecotAgreementTests
{
    private readonly ITestOutputHelper output;

    public DovecotAgreementTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Ten_thousand_messages_with_range_changes_and_expunges_agree_with_doveadm()
    {
        using var mailbox = DovecotMailbox.Create(1);
        DropIntoNew(mailbox.Maildir, 9999, "bulk");
        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "1:6000");
        Must(mailbox, "flags", "add", "$Label1", "mailbox", "INBOX", "uid", "2000:4000");
        Must(mailbox, "flags", "add", "\\Flagged $Todo", "mailbox", "INBOX", "uid", "9000:10000");
        Must(mailbox, "flags", "remove", "\\Seen", "mailbox", "INBOX", "uid", "100:200");
        Must(mailbox, "flags", "remove", "$Label1", "mailbox", "INBOX", "uid", "3000:3500");
        Must(mailbox, "flags", "replace", "\\Answered Work", "mailbox", "INBOX", "uid", "8000:8010");
        Must(mailbox, "flags", "add", "\\Deleted", "mailbox", "INBOX", "uid", "7000:7100");
        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "5000:5200");
        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "7050:7100");

        // Mail arriving after all that: appends at the end of the log.
        DropIntoNew(mailbox.Maildir, 25, "late");
        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "10001:10010");

        (MailboxState state, IndexMap map) = AssertAgrees(mailbox, "INBOX", mailbox.Maildir);
        Assert.Equal(10025 - 201 - 51, state.MessagesCount);
        Assert.Equal(50, map.DeletedMessagesCount);
        Assert.True(state.FromIndex, "10,000 messages should have made Dovecot write dovecot.index");
    }

    [Fact]
    public void Moves_from_inbox_to_folders_agree_with_doveadm_for_both_sides()
    {
        using var mailbox = DovecotMailbox.Create(1);
        DropIntoNew(mailbox.Maildir, 299, "move");
        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        Must(mailbox, "mailbox", "create", "Archive", "Archive.Old");
        Must(mailbox, "flags", "add", "\\Seen $Label2", "mailbox", "INBOX", "uid", "40:120");
        Must(mailbox, "flags", "add", "\\Flagged", "mailbox", "INBOX", "uid", "100:110");
        // The first move also makes Dovecot write dovecot.index for both sides; what follows stays in the logs.
        Must(mailbox, Early("move", "Archive", "mailbox", "INBOX", "uid", "50:150"));
        Must(mailbox, "move", "Archive.Old", "mailbox", "INBOX", "uid", "200:210");
        Must(mailbox, "move", "Archive.Old", "mailbox", "Archive", "uid", "1:10");
        Must(mailbox, "flags", "add", "\\Answered Moved", "mailbox", "Archive", "uid", "20:40");
        Must(mailbox, "expunge", "mailbox", "Archive", "uid", "90:95");

        (MailboxState inbox, _) = AssertAgrees(mailbox, "INBOX", mailbox.Maildir);
        (MailboxState archive, IndexMap archiveMap) = AssertAgrees(mailbox, "Archive", Path.Combine(mailbox.Maildir, ".Archive"));
        (MailboxState old, _) = AssertAgrees(mailbox, "Archive.Old", Path.Combine(mailbox.Maildir, ".Archive.Old"));
        Assert.Equal(300 - 101 - 11, inbox.MessagesCount);
        Assert.Equal(101 - 10 - 6, archive.MessagesCount);
        Assert.Equal(21, old.MessagesCount);
        Assert.Contains(archiveMap.Records, r => archiveMap.KeywordsOf(r).Contains("$Label2"));
    }

    [Fact]
    public void Modseqs_once_condstore_is_enabled_agree_with_doveadm_fetch_modseq()
    {
        using var mailbox = DovecotMailbox.Create(1);
        DropIntoNew(mailbox.Maildir, 199, "modseq");
        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "1:50");

        // Fetching modseqs enables them: the modseq extension is introduced, its header written, every message gets one.
        Must(mailbox, "fetch", "uid modseq", "mailbox", "INBOX", "uid", "1");
        Must(mailbox, Early("flags", "add", "\\Flagged", "mailbox", "INBOX", "uid", "10:20"));
        Assert.True(File.Exists(Path.Combine(mailbox.Maildir, "dovecot.index")), "doveadm wrote no dovecot.index");
        Must(mailbox, "flags", "add", "$Label3", "mailbox", "INBOX", "uid", "15:30");
        Must(mailbox, "flags", "remove", "\\Seen", "mailbox", "INBOX", "uid", "40");
        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "100:110");
        DropIntoNew(mailbox.Maildir, 5, "after");
        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        Must(mailbox, "flags", "add", "\\Answered", "mailbox", "INBOX", "uid", "150");

        string expected = string.Join('\n', Fetch(mailbox, "INBOX", "uid modseq").Select(m => m["uid"] + " " + m["modseq"]));
        string highest = MailboxListIndexTests.Status(mailbox, "highestmodseq", "INBOX")["INBOX"]["highestmodseq"];
        (_, IndexMap map) = AssertAgrees(mailbox, "INBOX", mailbox.Maildir);
        Assert.True(map.HasModseqs, "the modseq extension is not in the replayed index");
        Assert.True(map.FromIndex);
        Assert.Equal(expected, string.Join('\n', map.Records.Select(r => N(r.Uid) + " " + map.ModseqOf(r).ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(highest, map.HighestModseq.ToString(CultureInfo.InvariantCulture));
        output.WriteLine("highestmodseq " + highest + ", index " + (map.FromIndex ? "used" : "absent") + ", log at " + map.LogPosition);
    }

    /// <summary>
    /// Writes <paramref name="count"/> small messages straight into new/ (as a delivery agent would, without Dovecot),
    /// then gives them to the mail user in one chown; Dovecot assigns UIDs at its next sync.
    /// </summary>
    internal static void DropIntoNew(string maildir, int count, string tag)
    {
        string dir = Path.Combine(maildir, "new");
        for (int i = 0; i < count; i++)
        {
            string name = "1700000000.M" + i.ToString(CultureInfo.InvariantCulture) + "P" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "." + tag;
            File.WriteAllText(Path.Combine(dir, name), "From: a@example.org\nSubject: " + tag + " " + i.ToString(CultureInfo.InvariantCulture) + "\n\nx\n");
        }

        TestCommand.Must("chown", "-R", DovecotMailbox.MailId + ":" + DovecotMailbox.MailId, dir);
    }

    private static string Must(DovecotMailbox mailbox, params string[] arguments) => MailboxListIndexTests.Must(mailbox, arguments);

    /// <summary>A doveadm command with options that make Dovecot rewrite dovecot.index after a kilobyte of log.</summary>
    private static string[] Early(params string[] arguments) => DovecotIndexInteropTests.EarlyIndexOptions.Concat(arguments).ToArray();

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>doveadm fetch</c> of every message: one dictionary per message.</summary>
    private static List<Dictionary<string, string>> Fetch(DovecotMailbox mailbox, string name, string fields)
    {
        var messages = new List<Dictionary<string, string>>();
        foreach (string line in Must(mailbox, "fetch", fields, "mailbox", name, "all").Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string key = line[..colon];
            if (key == "uid")
            {
                messages.Add(new Dictionary<string, string>(StringComparer.Ordinal));
            }

            messages[^1][key] = line[(colon + 1)..].Trim();
        }

        return messages;
    }

    private static string Flags(MailIndexFlags flags, IEnumerable<string> keywords)
    {
        var names = new List<string>();
        (MailIndexFlags Flag, string Name)[] system =
        {
            (MailIndexFlags.Answered, "\\Answered"), (MailIndexFlags.Flagged, "\\Flagged"), (MailIndexFlags.Deleted, "\\Deleted"),
            (MailIndexFlags.Seen, "\\Seen"), (MailIndexFlags.Draft, "\\Draft"),
        };
        names.AddRange(system.Where(s => (flags & s.Flag) != 0).Select(s => s.Name));
        names.AddRange(keywords);
        return string.Join(' ', names.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// doveadm first (it syncs: new/ mails get UIDs), then both replays of what it left, against its fetch, its status
    /// and, when dovecot.index exists, the header <c>doveadm dump</c> shows after applying the log.
    /// </summary>
    private (MailboxState State, IndexMap Map) AssertAgrees(DovecotMailbox mailbox, string name, string indexDirectory)
    {
        string expected = string.Join('\n', Fetch(mailbox, name, "uid flags").Select(m =>
            (m["uid"] + " " + string.Join(' ', m["flags"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").Order(StringComparer.Ordinal))).TrimEnd()));
        Dictionary<string, string> status = MailboxListIndexTests.Status(mailbox, "messages uidnext uidvalidity unseen", name)[name];
        Dictionary<string, string>? dump = File.Exists(Path.Combine(indexDirectory, "dovecot.index")) ? Dump(mailbox, Path.Combine(indexDirectory, "dovecot.index")) : null;

        MailboxState state = MailboxState.Load(indexDirectory);
        IndexMap map = IndexMap.Load(indexDirectory);
        foreach (IndexProblem problem in state.Problems.Concat(map.Problems))
        {
            output.WriteLine(name + ": " + problem);
        }

        Assert.Empty(state.Problems);
        Assert.Empty(map.Problems);
        Assert.Equal(expected, string.Join('\n', state.Messages.Select(m => N(m.Uid) + " " + Flags(m.Flags, m.Keywords)).Select(l => l.TrimEnd())));
        Assert.Equal(expected, string.Join('\n', map.Records.Select(r => N(r.Uid) + " " + Flags(r.Flags, map.KeywordsOf(r))).Select(l => l.TrimEnd())));

        string theirs = status["messages"] + " " + status["uidnext"] + " " + status["uidvalidity"] + " " + status["unseen"];
        int unseen = state.Messages.Count(m => (m.Flags & MailIndexFlags.Seen) == 0);
        Assert.Equal(theirs, N(state.MessagesCount) + " " + N(state.NextUid) + " " + N(state.UidValidity) + " " + N(unseen));
        Assert.Equal(theirs, N(map.MessagesCount) + " " + N(map.NextUid) + " " + N(map.UidValidity) + " " + N(map.MessagesCount - map.SeenMessagesCount));
        if (dump != null)
        {
            string dumped = dump["messages count"] + " " + dump["seen messages count"] + " " + dump["deleted messages count"] + " " + dump["next uid"] + " " + dump["uid validity"] + " " + dump["first recent uid"];
            Assert.Equal(dumped, N(map.MessagesCount) + " " + N(map.SeenMessagesCount) + " " + N(map.DeletedMessagesCount) + " " + N(map.NextUid) + " " + N(map.UidValidity) + " " + N(map.FirstRecentUid));
        }

        string index = dump == null ? "absent" : "on disk up to log offset " + N(IndexFile.Read(Path.Combine(indexDirectory, "dovecot.index")).Header.LogFileHeadOffset);
        output.WriteLine(name + ": " + state.MessagesCount + " messages; dovecot.index " + index + "; log at " + state.LogPosition + "; map extensions " + string.Join(',', map.Extensions.Select(e => e.Name)));
        return (state, map);
    }

    /// <summary>The base header lines of <c>doveadm dump</c>: "key ..... = value".</summary>
    private static Dictionary<string, string> Dump(DovecotMailbox mailbox, string indexPath)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Must(mailbox, "dump", indexPath).Split('\n'))
        {
            if (line.StartsWith("-- Extension", StringComparison.Ordinal))
            {
                break;
            }

            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq > 0 && !line.StartsWith(' '))
            {
                fields.TryAdd(line[..eq].TrimEnd(' ', '.'), line[(eq + 3)..].Split(' ')[0]);
            }
        }

        return fields;
    }
}
