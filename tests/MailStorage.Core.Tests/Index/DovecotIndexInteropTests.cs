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
/// Our readers against real Dovecot 2.3.19: mailboxes built and changed by doveadm (appends, \Seen, keywords,
/// expunges, a folder with only the log, an index with a log tail, a rotated log, 1,000 messages); our replayed
/// state must equal <c>doveadm fetch 'uid flags'</c> (without \Recent) and <c>doveadm mailbox status</c>, and our
/// index header must equal <c>doveadm dump</c>.
/// </summary>
public sealed class DovecotIndexInteropTests
{
    /// <summary>Options that make Dovecot write dovecot.index and rotate the log after a few kilobytes.</summary>
    internal static readonly string[] SmallLogOptions =
    {
        "-o", "mail_index_log_rotate_max_size=2k", "-o", "mail_index_log_rotate_min_size=1k", "-o", "mail_index_log_rotate_min_age=0",
        "-o", "mail_index_rewrite_min_log_bytes=1k", "-o", "mail_index_rewrite_max_log_bytes=2k",
    };

    /// <summary>Options that make Dovecot write dovecot.index early, without rotating the log.</summary>
    internal static readonly string[] EarlyIndexOptions =
    {
        "-o", "mail_index_rewrite_min_log_bytes=1k", "-o", "mail_index_rewrite_max_log_bytes=1k",
    };

    private readonly ITestOutputHelper output;

    public DovecotIndexInteropTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Mailbox_with_only_a_log_replays_appends_flags_keywords_and_expunges()
    {
        using var mailbox = DovecotMailbox.Create(5);
        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "2");
        Must(mailbox, "flags", "add", "\\Flagged \\Answered", "mailbox", "INBOX", "uid", "1:3");
        Must(mailbox, "flags", "add", "$Label1", "mailbox", "INBOX", "uid", "1:2");
        Must(mailbox, "flags", "add", "$Label2 Work", "mailbox", "INBOX", "uid", "4");
        Must(mailbox, "flags", "remove", "\\Answered $Label1", "mailbox", "INBOX", "uid", "2");
        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "3");
        Assert.False(File.Exists(Path.Combine(mailbox.Maildir, "dovecot.index")), "this case needs a mailbox with no dovecot.index");

        MailboxState state = AssertSameAsDovecot(mailbox);
        Assert.False(state.FromIndex);
        Assert.Equal(4, state.MessagesCount);
    }

    [Fact]
    public void Index_plus_log_tail_equals_dovecot_and_index_header_equals_doveadm_dump()
    {
        using var mailbox = DovecotMailbox.Create(2);
        for (int i = 0; i < 40; i++)
        {
            mailbox.DeliverToNew("delivered " + i);
        }

        Must(mailbox, EarlyIndexOptions.Concat(new[] { "flags", "add", "\\Seen $Label1", "mailbox", "INBOX", "uid", "1:20" }).ToArray());
        Must(mailbox, EarlyIndexOptions.Concat(new[] { "flags", "add", "\\Deleted", "mailbox", "INBOX", "uid", "30:35" }).ToArray());
        string indexPath = Path.Combine(mailbox.Maildir, "dovecot.index");
        Assert.True(File.Exists(indexPath), "doveadm wrote no dovecot.index");


        // Changes after the index was written live only in the log, past log_file_head_offset.
        Must(mailbox, "flags", "remove", "\\Seen", "mailbox", "INBOX", "uid", "5:7");
        Must(mailbox, "flags", "remove", "$Label1", "mailbox", "INBOX", "uid", "10");
        Must(mailbox, "flags", "add", "$Forwarded", "mailbox", "INBOX", "uid", "40:42");
        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "12:14");
        mailbox.DeliverToNew("late");

        MailboxState state = AssertSameAsDovecot(mailbox);
        Assert.True(state.FromIndex);

        IndexFile index = IndexFile.Read(indexPath);
        Assert.Empty(index.Problems);
        Assert.True(index.Header.LogFileHeadOffset < new FileInfo(mailbox.IndexLog).Length, "the log has no tail past the index");

        // doveadm dump shows the index with the log applied: give it a copy whose log ends at the index's head offset.
        string copy = Path.Combine(mailbox.Root, "dump-copy");
        Directory.CreateDirectory(copy);
        File.Copy(indexPath, Path.Combine(copy, "dovecot.index"));
        byte[] log = File.ReadAllBytes(mailbox.IndexLog);
        Assert.Equal(index.Header.LogFileSeq, TransactionLogFile.Parse(log, mailbox.IndexLog).Header.FileSeq);
        File.WriteAllBytes(Path.Combine(copy, "dovecot.index.log"), log.AsSpan(0, (int)index.Header.LogFileHeadOffset).ToArray());
        AssertHeaderEqualsDump(mailbox, index, Path.Combine(copy, "dovecot.index"));
        Assert.Contains("keywords", index.Extensions.Select(e => e.Name));
        Assert.Contains("$Label1", index.Keywords);
    }

    [Fact]
    public void Rotated_log_is_replayed_from_log2_then_log()
    {
        using var mailbox = DovecotMailbox.Create(3);
        for (int i = 0; i < 30; i++)
        {
            mailbox.DeliverToNew("rotated " + i);
        }

        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        for (int i = 1; i <= 12; i++)
        {
            string flag = i % 2 == 0 ? "\\Flagged" : "$Label" + (i % 5).ToString(CultureInfo.InvariantCulture);
            Must(mailbox, SmallLogOptions.Concat(new[] { "flags", "add", flag, "mailbox", "INBOX", "uid", i + ":" + (i + 10) }).ToArray());
        }

        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "2");
        Assert.True(File.Exists(mailbox.IndexLog + ".2"), "the log was not rotated");
        var log2 = TransactionLogFile.Read(mailbox.IndexLog + ".2");
        var log = TransactionLogFile.Read(mailbox.IndexLog);
        Assert.Equal(log2.Header.FileSeq, log.Header.PrevFileSeq);
        Assert.Empty(log2.Problems);
        Assert.Empty(log.Problems);
        AssertSameAsDovecot(mailbox);
    }

    [Fact]
    public void Thousand_messages_with_range_changes_equal_dovecot()
    {
        using var mailbox = DovecotMailbox.Create(1);
        for (int i = 0; i < 999; i++)
        {
            mailbox.DeliverToNew("bulk " + i);
        }

        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "1:500");
        Must(mailbox, "flags", "add", "$Label1", "mailbox", "INBOX", "uid", "100:200");
        Must(mailbox, "flags", "add", "\\Draft $Todo", "mailbox", "INBOX", "uid", "900:1000");
        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "300:350");
        Must(mailbox, "flags", "remove", "\\Seen", "mailbox", "INBOX", "uid", "150");

        MailboxState state = AssertSameAsDovecot(mailbox);
        Assert.Equal(949, state.MessagesCount);
        output.WriteLine("1,000 messages: dovecot.index " + (state.FromIndex ? "used" : "absent") + ", log at " + state.LogPosition);
    }

    /// <summary>Runs doveadm and fails on a non-zero exit.</summary>
    internal static DoveadmRun Must(DovecotMailbox mailbox, params string[] arguments)
    {
        var run = mailbox.Doveadm(arguments);
        Assert.True(run.ExitCode == 0, "doveadm " + string.Join(' ', arguments) + ": " + run);
        return run;
    }

    private MailboxState AssertSameAsDovecot(DovecotMailbox mailbox)
    {
        // doveadm first: it syncs (new/ mails get UIDs); then we read what it left.
        string expected = string.Join('\n', FetchFlags(mailbox));
        var status = Must(mailbox, "mailbox", "status", "uidvalidity uidnext messages", "INBOX").Output.Trim();

        MailboxState state = MailboxState.Load(mailbox.Maildir);
        foreach (var problem in state.Problems)
        {
            output.WriteLine(problem.ToString());
        }

        Assert.Empty(state.Problems);
        string actual = string.Join('\n', state.Messages.Select(m => m.Uid.ToString(CultureInfo.InvariantCulture) + " " + string.Join(' ', FlagNames(m))));
        Assert.Equal(expected, actual);
        string ours = "INBOX messages=" + state.MessagesCount + " uidnext=" + state.NextUid + " uidvalidity=" + state.UidValidity;
        Assert.Equal(status, ours);
        return state;
    }

    private static IEnumerable<string> FlagNames(MailboxMessage message)
    {
        var names = new List<string>();
        (MailIndexFlags Flag, string Name)[] system =
        {
            (MailIndexFlags.Answered, "\\Answered"), (MailIndexFlags.Flagged, "\\Flagged"), (MailIndexFlags.Deleted, "\\Deleted"),
            (MailIndexFlags.Seen, "\\Seen"), (MailIndexFlags.Draft, "\\Draft"),
        };
        foreach (var (flag, name) in system)
        {
            if ((message.Flags & flag) != 0)
            {
                names.Add(name);
            }
        }

        names.AddRange(message.Keywords);
        return names.OrderBy(n => n, StringComparer.Ordinal);
    }

    private static List<string> FetchFlags(DovecotMailbox mailbox)
    {
        var lines = new List<string>();
        string? uid = null;
        foreach (string line in Must(mailbox, "fetch", "uid flags", "mailbox", "INBOX", "all").Output.Split('\n'))
        {
            if (line.StartsWith("uid: ", StringComparison.Ordinal))
            {
                uid = line[5..].Trim();
            }
            else if (line.StartsWith("flags:", StringComparison.Ordinal) && uid != null)
            {
                var flags = line[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").OrderBy(f => f, StringComparer.Ordinal);
                lines.Add(uid + " " + string.Join(' ', flags));
                uid = null;
            }
        }

        return lines;
    }

    private static void AssertHeaderEqualsDump(DovecotMailbox mailbox, IndexFile index, string indexPath)
    {
        var dump = new Dictionary<string, string>(StringComparer.Ordinal);
        var extensions = new List<string>();
        foreach (string line in Must(mailbox, "dump", indexPath).Output.Split('\n'))
        {
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq < 0 || line.StartsWith(' '))
            {
                continue;
            }

            string key = line[..eq].TrimEnd(' ', '.');
            string value = line[(eq + 3)..].Split(' ')[0];
            if (key == "name")
            {
                extensions.Add(value);
            }

            dump.TryAdd(key, value);
        }

        IndexHeader h = index.Header;
        var ours = new Dictionary<string, string>
        {
            ["version"] = h.MajorVersion + "." + h.MinorVersion,
            ["base header size"] = N(h.BaseHeaderSize),
            ["header size"] = N(h.HeaderSize),
            ["record size"] = N(h.RecordSize),
            ["compat flags"] = N(h.CompatFlags),
            ["index id"] = N(h.IndexId),
            ["flags"] = N(h.Flags),
            ["uid validity"] = N(h.UidValidity),
            ["next uid"] = N(h.NextUid),
            ["messages count"] = N(h.MessagesCount),
            ["seen messages count"] = N(h.SeenMessagesCount),
            ["deleted messages count"] = N(h.DeletedMessagesCount),
            ["first recent uid"] = N(h.FirstRecentUid),
            ["first unseen uid lowwater"] = N(h.FirstUnseenUidLowwater),
            ["first deleted uid lowwater"] = N(h.FirstDeletedUidLowwater),
            ["log file seq"] = N(h.LogFileSeq),
            ["log file tail offset"] = N(h.LogFileTailOffset),
            ["log file head offset"] = N(h.LogFileHeadOffset),
            ["log2 rotate time"] = N(h.Log2RotateTime),
            ["last temp file scan"] = N(h.LastTempFileScan),
            ["day stamp"] = N(h.DayStamp),
        };
        for (int i = 0; i < 8; i++)
        {
            ours["day first uid[" + i + "]"] = N(h.DayFirstUid[i]);
        }

        foreach (var (key, value) in ours)
        {
            Assert.True(dump.TryGetValue(key, out string? theirs), "doveadm dump has no '" + key + "'");
            Assert.True(theirs == value, key + ": doveadm dump " + theirs + ", ours " + value);
        }

        Assert.Equal(extensions, index.Extensions.Select(e => e.Name).ToList());
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
