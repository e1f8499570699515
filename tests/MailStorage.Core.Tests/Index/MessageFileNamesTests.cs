using System;
using System.IO;
using System.Linq;
using System.Text;
using MailStorage.Core.Caching;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Index;

/// <summary>MessageFileNames: a real Dovecot mailbox's index records joined to the Maildir files its dovecot-uidlist names.</summary>
public sealed class MessageFileNamesTests
{
    [Fact]
    public void Each_indexed_message_gets_its_sequence_and_the_maildir_file_of_its_UID()
    {
        using var mailbox = DovecotMailbox.Create(messages: 4);
        using var cache = new IndexCache();
        var state = MailboxState.Load(mailbox.Maildir, cache, IndexCacheMode.Buffered);
        var uidList = MessageFileNames.ReadUidList(mailbox.Maildir, cache, IndexCacheMode.Buffered);
        Assert.NotNull(uidList);

        var joined = MessageFileNames.Join(state.Messages, uidList).ToList();
        Assert.Equal(mailbox.Uids().Select(u => (uint)u), joined.Select(m => m.Message.Uid));
        Assert.Equal(Enumerable.Range(1, 4), joined.Select(m => m.Sequence));

        // Each name is a file Dovecot saved (in cur/ or new/, with or without its :2, flags).
        var files = Directory.GetFiles(Path.Combine(mailbox.Maildir, "cur")).Concat(Directory.GetFiles(Path.Combine(mailbox.Maildir, "new")))
            .Select(f => Path.GetFileName(f).Split(':')[0]).ToList();
        Assert.All(joined, m => Assert.Contains(m.FileName!.Split(':')[0], files));
        Assert.Equal(4, joined.Select(m => m.FileName).Distinct().Count());
    }

    [Fact]
    public void A_UID_the_uidlist_does_not_list_and_a_missing_uidlist_give_no_file_name()
    {
        using var mailbox = DovecotMailbox.Create(messages: 3);
        using var cache = new IndexCache();
        var state = MailboxState.Load(mailbox.Maildir, cache, IndexCacheMode.Buffered);

        // The uidlist without its last record: the newest message has no file name, the others keep theirs.
        var lines = File.ReadAllLines(mailbox.UidList);
        var shorter = UidList.Parse(Encoding.UTF8.GetBytes(string.Join("\n", lines.Take(lines.Length - 1)) + "\n"), mailbox.UidList);
        var joined = MessageFileNames.Join(state.Messages, shorter).ToList();
        Assert.Equal(3, joined.Count);
        Assert.All(joined.Take(2), m => Assert.False(string.IsNullOrEmpty(m.FileName)));
        Assert.Null(joined[2].FileName);

        Assert.All(MessageFileNames.Join(state.Messages, null), m => Assert.Null(m.FileName));

        // A control folder without dovecot-uidlist.
        string empty = Directory.CreateTempSubdirectory("mailstorage-nouidlist-").FullName;
        try
        {
            Assert.Null(MessageFileNames.ReadUidList(empty, cache, IndexCacheMode.Buffered));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void Join_checks_its_arguments_at_the_call()
    {
        Assert.Throws<ArgumentNullException>(() => MessageFileNames.Join(null!, null));
    }
}
