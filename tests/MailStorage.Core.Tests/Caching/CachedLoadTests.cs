using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Caching;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Caching;

/// <summary>
/// MailboxState.Load through an IndexCache against MailboxState.Load from the files, while real Dovecot changes the
/// mailbox: after every doveadm command both must agree (messages, flags, keywords, counters, problems, log
/// position); a state handed out earlier must not change; a small change must cost only the bytes it appended.
/// </summary>
public sealed class CachedLoadTests
{
    private readonly ITestOutputHelper output;

    public CachedLoadTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(IndexCacheMode.Mmap)]
    [InlineData(IndexCacheMode.Buffered)]
    [InlineData(IndexCacheMode.BufferedFlush)]
    public void Cached_loads_equal_loads_from_the_files_through_dovecots_changes(IndexCacheMode mode)
    {
        using var mailbox = DovecotMailbox.Create(4);
        using var cache = new IndexCache();
        var handedOut = new List<(MailboxState State, string Seen)>();
        int continued = 0;
        void Check(string step)
        {
            MailboxState cached = MailboxState.Load(mailbox.Maildir, cache, mode);
            string expected = Describe(MailboxState.Load(mailbox.Maildir));
            Assert.True(expected == Describe(cached), "after " + step + ":\nfrom the files:\n" + expected + "\ncached:\n" + Describe(cached));
            continued += cached.ContinuedFrom != null ? 1 : 0;
            handedOut.Add((cached, Describe(cached)));
        }

        Check("creation");
        Check("nothing");
        Assert.Same(handedOut[^2].State, handedOut[^1].State);
        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "2");
        Check("one flag");
        Must(mailbox, "flags", "add", "$Label1 Work", "mailbox", "INBOX", "uid", "1:3");
        Check("keywords");
        Must(mailbox, "flags", "remove", "Work", "mailbox", "INBOX", "uid", "2");
        Check("a keyword removed");
        Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "3");
        Check("an expunge");
        for (int i = 0; i < 20; i++)
        {
            mailbox.DeliverToNew("delivered " + i);
        }

        Must(mailbox, "mailbox", "status", "messages", "INBOX");
        Check("20 deliveries");
        Must(mailbox, DovecotIndexInteropTests.EarlyIndexOptions.Concat(new[] { "flags", "add", "\\Flagged", "mailbox", "INBOX", "uid", "1:10" }).ToArray());
        Assert.True(File.Exists(Path.Combine(mailbox.Maildir, "dovecot.index")), "doveadm wrote no dovecot.index");
        Check("dovecot.index written");
        Must(mailbox, "flags", "add", "\\Answered", "mailbox", "INBOX", "uid", "5");
        Check("a flag past the index");

        // Fetching modseqs enables them: the modseq extension is introduced in the log, and from then on every
        // change raises the modseqs of the messages it touches, a continued load included.
        Must(mailbox, "fetch", "modseq", "mailbox", "INBOX", "all");
        Check("modseqs enabled");
        Assert.NotNull(handedOut[^1].State.Map.FindExtension("modseq"));
        Must(mailbox, "flags", "add", "\\Draft", "mailbox", "INBOX", "uid", "2:4");
        Check("a flag with modseqs");
        for (int i = 1; i <= 12; i++)
        {
            Must(mailbox, DovecotIndexInteropTests.SmallLogOptions.Concat(new[] { "flags", "add", "$L" + (i % 4).ToString(CultureInfo.InvariantCulture), "mailbox", "INBOX", "uid", i + ":" + (i + 8) }).ToArray());
            Check("rotating change " + i);
        }

        Assert.True(File.Exists(mailbox.IndexLog + ".2"), "the log was not rotated");
        Must(mailbox, "flags", "remove", "\\Seen", "mailbox", "INBOX", "uid", "1:*");
        Check("after rotation");

        // Earlier states are snapshots: continuing from them copied what changed.
        foreach (var (state, seen) in handedOut)
        {
            Assert.Equal(seen, Describe(state));
        }

        output.WriteLine(mode + ": " + handedOut.Count + " loads, " + continued + " continued from the previous state; " + cache.Statistics);
        Assert.True(continued >= 5, "only " + continued + " loads continued from the previous state");
    }

    [Fact]
    public void A_flag_change_costs_the_bytes_dovecot_appended()
    {
        using var mailbox = DovecotMailbox.Create(30);
        using var cache = new IndexCache();
        MailboxState first = MailboxState.Load(mailbox.Maildir, cache, IndexCacheMode.Buffered);
        long logBefore = new FileInfo(mailbox.IndexLog).Length;
        bool indexBefore = File.Exists(Path.Combine(mailbox.Maildir, "dovecot.index"));
        long bytesBefore = cache.Statistics.BytesRead;

        Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "7");
        long appended = new FileInfo(mailbox.IndexLog).Length - logBefore;
        Assert.Equal(indexBefore, File.Exists(Path.Combine(mailbox.Maildir, "dovecot.index")));
        MailboxState second = MailboxState.Load(mailbox.Maildir, cache, IndexCacheMode.Buffered);

        output.WriteLine("log " + logBefore + " bytes, doveadm appended " + appended + "; the second load read " + (cache.Statistics.BytesRead - bytesBefore));
        Assert.InRange(appended, 1, 1000);
        Assert.Equal(appended, cache.Statistics.BytesRead - bytesBefore);
        Assert.Equal(logBefore, second.ContinuedFrom);
        Assert.Equal(MailIndexFlags.Seen, second.Messages.Single(m => m.Uid == 7).Flags & MailIndexFlags.Seen);
        Assert.Equal(MailIndexFlags.None, first.Messages.Single(m => m.Uid == 7).Flags & MailIndexFlags.Seen);
        Assert.Same(first.Messages[0].Record, second.Messages[0].Record); // unchanged records are shared, not copied
        Assert.NotSame(first.Messages[6].Record, second.Messages[6].Record); // a changed one is copied
    }

    [Fact]
    public void Clear_drops_views_and_states_and_the_next_load_reads_everything()
    {
        using var mailbox = DovecotMailbox.Create(3);
        using var cache = new IndexCache();
        MailboxState.Load(mailbox.Maildir, cache, IndexCacheMode.Mmap);
        MailboxState.Load(mailbox.Maildir, cache, IndexCacheMode.Buffered);
        Assert.True(cache.Statistics.Views >= 2);
        long read = cache.Statistics.BytesRead;
        Assert.Equal(new FileInfo(mailbox.IndexLog).Length, read);

        cache.Clear();
        Assert.Equal(0, cache.Statistics.Views);
        MailboxState again = MailboxState.Load(mailbox.Maildir, cache, IndexCacheMode.Buffered);
        Assert.Null(again.ContinuedFrom);
        Assert.Equal(2 * read, cache.Statistics.BytesRead);
    }

    private static void Must(DovecotMailbox mailbox, params string[] arguments) => DovecotIndexInteropTests.Must(mailbox, arguments);

    // Everything a state and its map say, as one text: extensions with their header bytes, and each record's fields and modseq.
    private static string Describe(MailboxState state)
    {
        IndexMap map = state.Map;
        var lines = new List<string>
        {
            "uidvalidity " + state.UidValidity + " nextuid " + state.NextUid + " indexid " + state.IndexId + " fromIndex " + state.FromIndex + " at " + state.LogPosition,
            "index " + (state.IndexHeader == null ? "none" : state.IndexHeader.LogFileSeq + ":" + state.IndexHeader.LogFileHeadOffset) +
            " extensions " + string.Join(',', state.IndexExtensions.Select(e => e.Name)) + " keywords " + string.Join(',', state.IndexKeywords),
        };
        lines.Add("header flags " + map.HeaderFlags + " first recent " + map.FirstRecentUid + " highest modseq " + map.HighestModseq + " modseqs " + map.HasModseqs + " keywords " + string.Join(',', map.Keywords));
        lines.AddRange(map.Extensions.Select(e => "ext " + e.Id + " " + e.Name + " reset " + e.ResetId + " sizes " + e.HeaderSize + "/" + e.RecordSize + "/" + e.RecordAlign + " header " + Convert.ToHexString(e.Header)));
        lines.AddRange(state.Messages.Select(m => m.Uid + " " + (int)m.Flags + " " + string.Join(',', m.Keywords)));
        lines.AddRange(map.Records.Select(r => "record " + r.Uid + " modseq " + map.ModseqOf(r) + " " + string.Join(' ', map.Extensions.Select(e => Convert.ToHexString(r.Extension(e))))));
        lines.AddRange(state.Problems.Select(p => "problem " + p));
        return string.Join('\n', lines);
    }
}
