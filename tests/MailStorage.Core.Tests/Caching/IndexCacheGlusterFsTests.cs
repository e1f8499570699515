using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Caching;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Caching;

/// <summary>
/// The three policies through GlusterFS client B while client A writes (gluster's default client translators:
/// md-cache, quick-read, open-behind, write-behind; kernel attribute timeout 1 s).
/// <para>
/// Measured here (GlusterFS 10.3, Linux 6.18): right after A's write, <b>Mmap</b> and <b>Buffered</b> views through B
/// still see the old file; both see the change after about 1 s, when B's attribute cache expires (the held mapping
/// too: the kernel drops a file's pages when it learns new attributes). <b>BufferedFlush</b> sees it at once. Its
/// former flush, chown/fchown(-1, -1), brought the new size and mtime at once but not the content of files of 64 KiB
/// or less: gluster's quick-read translator keeps small files whole and served the old bytes (and nothing past the
/// old end) for up to 1 s, so a 1,000-byte file took 400-620 ms. Listing the folder after the chown makes quick-read
/// drop its copy; see <see cref="FileSystems.AttributeFlush"/> for every flush tried and what each did.
/// </para>
/// <para>
/// With Dovecot writing (doveadm through A, flags and a dovecot.index rewrite), MailboxState.Load through B with
/// BufferedFlush saw every change at once, in each round; the other two modes are logged, not asserted.
/// </para>
/// </summary>
[Collection(GlusterFsTestBed.Name)]
public sealed class IndexCacheGlusterFsTests
{
    private readonly GlusterFsFixture glusterfs;
    private readonly ITestOutputHelper output;

    public IndexCacheGlusterFsTests(GlusterFsFixture glusterfs, ITestOutputHelper output)
    {
        this.glusterfs = glusterfs;
        this.output = output;
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(200_000)]
    public void A_write_through_A_is_seen_at_once_through_B_with_BufferedFlush(int size)
    {
        glusterfs.Require();

        // Two folders: BufferedFlush lists the folder of its file, which would refresh B's view of the other one.
        string id = Guid.NewGuid().ToString("N")[..6];
        var (plainA, plainB) = NewFile("plain-" + id, size);
        var (flushA, flushB) = NewFile("flush-" + id, size);

        // BufferedFlush: B has just looked the file up and read it (gluster's quick-read keeps a file of 64 KiB or
        // less from the lookup on), then A changes it.
        using (var flush = new IndexFileView(flushB, IndexCacheMode.BufferedFlush))
        {
            Assert.Equal(IndexCacheTests.Fill(size, 1), flush.GetBytes().ToArray());
            Change(flushA, 0xDD, size);
            var watch = Stopwatch.StartNew();
            var viaFlush = flush.GetBytes();
            output.WriteLine($"{size} bytes: BufferedFlush right after A's write: {viaFlush.Length} bytes, first 0x{viaFlush.Span[0]:X2}, in {Ms(watch.Elapsed.TotalMilliseconds)}");
            Assert.Equal(size + 500, viaFlush.Length);
            Assert.Equal(0xDD, viaFlush.Span[0]);
            Assert.Equal(IndexCacheTests.Fill(500, 2), viaFlush.Span[size..].ToArray());
        }

        // Mmap and Buffered, with no flush on B: what they see right after A's write, and when they see it.
        using var mmap = new IndexFileView(plainB, IndexCacheMode.Mmap);
        using var buffered = new IndexFileView(plainB, IndexCacheMode.Buffered);
        var mapped = mmap.GetBytes();
        Assert.Equal(IndexCacheTests.Fill(size, 1), mapped.ToArray()); // every page of the mapping is in B's page cache now
        Assert.Equal(size, buffered.GetBytes().Length);
        Change(plainA, 0xEE, size);
        var viaMmap = mmap.GetBytes();
        var viaBuffered = buffered.GetBytes();
        output.WriteLine($"{size} bytes, right after A's write through B: Mmap {viaMmap.Length} bytes, first 0x{viaMmap.Span[0]:X2} " +
                         $"(held mapping 0x{mapped.Span[0]:X2}); Buffered {viaBuffered.Length} bytes, first 0x{viaBuffered.Span[0]:X2}");
        var poll = Stopwatch.StartNew();
        double? mmapMs = null, bufferedMs = null;
        while (poll.Elapsed < TimeSpan.FromSeconds(3) && (mmapMs == null || bufferedMs == null))
        {
            if (mmapMs == null && mmap.GetBytes() is { } m && m.Length == size + 500 && m.Span[0] == 0xEE)
            {
                mmapMs = poll.Elapsed.TotalMilliseconds;
            }

            if (bufferedMs == null && buffered.GetBytes() is { } b && b.Length == size + 500 && b.Span[0] == 0xEE)
            {
                bufferedMs = poll.Elapsed.TotalMilliseconds;
            }

            Thread.Sleep(10);
        }

        output.WriteLine($"without a flush: Mmap saw the new size and first byte after {Ms(mmapMs)}, Buffered after {Ms(bufferedMs)}");
        Directory.Delete(Path.GetDirectoryName(plainA)!, true);
        Directory.Delete(Path.GetDirectoryName(flushA)!, true);
    }

    [Fact]
    public void Dovecot_changes_through_A_are_seen_at_once_through_B_with_BufferedFlush()
    {
        glusterfs.Require();
        using var mailbox = DovecotMailbox.Create(6, glusterfs.MountA);
        string viaB = Path.Combine(glusterfs.MountB, Path.GetFileName(mailbox.Maildir));
        using var mmapCache = new IndexCache();
        using var bufferedCache = new IndexCache();
        using var flushCache = new IndexCache();

        // B learns the mailbox (and its caches fill) before A changes it.
        var watch = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(viaB, "dovecot.index.log")) || MailboxState.Load(viaB, bufferedCache, IndexCacheMode.Buffered).MessagesCount != 6)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the mailbox never showed through B");
            Thread.Sleep(20);
        }

        Thread.Sleep(1500); // past the attribute timeout, so every mode starts from the same, current, state
        Assert.Equal(6, MailboxState.Load(viaB, mmapCache, IndexCacheMode.Mmap).MessagesCount);
        Assert.Equal(6, MailboxState.Load(viaB, bufferedCache, IndexCacheMode.Buffered).MessagesCount);
        Assert.Equal(6, MailboxState.Load(viaB, flushCache, IndexCacheMode.BufferedFlush).MessagesCount);
        var lines = new List<string>();

        // Rounds 1-3, no flush on B: when do Mmap and Buffered see Dovecot's change on their own?
        for (uint uid = 1; uid <= 3; uid++)
        {
            AddSeen(mailbox, uid, rewriteIndex: false);
            watch.Restart();
            double? mmapMs = null, bufferedMs = null;
            while (watch.Elapsed < TimeSpan.FromSeconds(3) && (mmapMs == null || bufferedMs == null))
            {
                if (mmapMs == null && Seen(MailboxState.Load(viaB, mmapCache, IndexCacheMode.Mmap), uid))
                {
                    mmapMs = watch.Elapsed.TotalMilliseconds;
                }

                if (bufferedMs == null && Seen(MailboxState.Load(viaB, bufferedCache, IndexCacheMode.Buffered), uid))
                {
                    bufferedMs = watch.Elapsed.TotalMilliseconds;
                }

                Thread.Sleep(10);
            }

            lines.Add("round " + uid + ", no flush: Mmap saw it after " + Ms(mmapMs) + ", Buffered after " + Ms(bufferedMs));
        }

        // Rounds 4-6: BufferedFlush right after Dovecot's change, after Mmap and Buffered have had their look. Each round
        // starts with all three current (as a reader that polls would be), so B's caches hold fresh attributes.
        int mmapAtOnce = 0, bufferedAtOnce = 0;
        for (uint uid = 4; uid <= 6; uid++)
        {
            Assert.True(Seen(MailboxState.Load(viaB, mmapCache, IndexCacheMode.Mmap), uid - 1), "Mmap is not current before round " + uid);
            Assert.True(Seen(MailboxState.Load(viaB, bufferedCache, IndexCacheMode.Buffered), uid - 1), "Buffered is not current before round " + uid);
            AddSeen(mailbox, uid, rewriteIndex: uid == 5);
            bool mmapSaw = Seen(MailboxState.Load(viaB, mmapCache, IndexCacheMode.Mmap), uid);
            bool bufferedSaw = Seen(MailboxState.Load(viaB, bufferedCache, IndexCacheMode.Buffered), uid);
            watch.Restart();
            MailboxState flushed = MailboxState.Load(viaB, flushCache, IndexCacheMode.BufferedFlush);
            double flushMs = watch.Elapsed.TotalMilliseconds;
            Assert.Empty(flushed.Problems);
            Assert.True(Seen(flushed, uid), "round " + uid + ": BufferedFlush did not see \\Seen on uid " + uid + " at once");
            Assert.Equal(uid, (uint)flushed.Messages.Count(m => (m.Flags & MailIndexFlags.Seen) != 0));
            mmapAtOnce += mmapSaw ? 1 : 0;
            bufferedAtOnce += bufferedSaw ? 1 : 0;
            lines.Add("round " + uid + (uid == 5 ? " (Dovecot rewrote dovecot.index)" : string.Empty) + ": BufferedFlush saw it at once (its load took " + Ms(flushMs) +
                      "); at that moment Mmap " + (mmapSaw ? "saw it" : "did not") + ", Buffered " + (bufferedSaw ? "saw it" : "did not"));
            Thread.Sleep(1500); // let the other modes catch up before the next round
        }

        Assert.True(File.Exists(Path.Combine(viaB, "dovecot.index")), "Dovecot wrote no dovecot.index in round 5");
        foreach (string line in lines)
        {
            output.WriteLine(line);
        }

        output.WriteLine("at once in rounds 4-6: BufferedFlush 3/3, Mmap " + mmapAtOnce + "/3, Buffered " + bufferedAtOnce + "/3; BufferedFlush cache " + flushCache.Statistics);
    }

    private static void AddSeen(DovecotMailbox mailbox, uint uid, bool rewriteIndex)
    {
        string[] change = ["flags", "add", "\\Seen", "mailbox", "INBOX", "uid", uid.ToString(CultureInfo.InvariantCulture)];
        DovecotIndexInteropTests.Must(mailbox, rewriteIndex ? DovecotIndexInteropTests.EarlyIndexOptions.Concat(change).ToArray() : change);
    }

    // A file of 'size' bytes in a new folder written through A, once B sees all of it: its path through A and through B.
    private (string ViaA, string ViaB) NewFile(string folder, int size)
    {
        Directory.CreateDirectory(Path.Combine(glusterfs.MountA, folder));
        string viaA = Path.Combine(glusterfs.MountA, folder, "dovecot.index"), viaB = Path.Combine(glusterfs.MountB, folder, "dovecot.index");
        File.WriteAllBytes(viaA, IndexCacheTests.Fill(size, 1));
        var watch = Stopwatch.StartNew();
        while (!(File.Exists(viaB) && new FileInfo(viaB).Length == size))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), viaA + " never appeared through B");
            Thread.Sleep(10);
        }

        return (viaA, viaB);
    }

    // Through A: the first byte becomes 'first' in place, and 500 bytes are appended after 'length'.
    private static void Change(string path, byte first, int length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Write([first]);
        stream.Seek(length, SeekOrigin.Begin);
        stream.Write(IndexCacheTests.Fill(500, 2));
        stream.Flush(true);
    }

    private static bool Seen(MailboxState state, uint uid) =>
        state.Messages.Any(m => m.Uid == uid && (m.Flags & MailIndexFlags.Seen) != 0);

    private static string Ms(double? ms) =>
        ms == null ? "never (3 s)" : ms.Value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
