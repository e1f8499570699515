using System;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.Caching;
using MailStorage.Core.FileSystems;
using Xunit;

namespace MailStorage.Core.Tests.Caching;

/// <summary>IndexFileView's three policies on a local filesystem, IndexCache, and IndexCacheModes.ForConfig.</summary>
public sealed class IndexCacheTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "mailstorage-cache-" + Guid.NewGuid().ToString("N")[..8]);

    public IndexCacheTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, true);

    [Theory]
    [InlineData(IndexCacheMode.Buffered)]
    [InlineData(IndexCacheMode.BufferedFlush)]
    public void Buffered_rereads_after_a_change_and_not_without_one(IndexCacheMode mode)
    {
        string path = Write("dovecot.index", Fill(1000, 1));
        using var view = new IndexFileView(path, mode);

        Assert.Equal(Fill(1000, 1), view.GetBytes().ToArray());
        Assert.Equal(1000, view.BytesRead);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1000, view.GetBytes().Length);
        }

        Assert.Equal(1000, view.BytesRead);
        Assert.Equal(0, view.Rereads);
        Assert.Equal(6, view.Revalidations);

        var before = view.GetBytes();
        // Same size, new content: mtime/ctime tell. Replaced by rename: the inode tells.
        File.WriteAllBytes(path, Fill(1000, 2));
        Touch(path, 10);
        Assert.Equal(Fill(1000, 2), view.GetBytes().ToArray());
        Assert.Equal(2000, view.BytesRead);
        Assert.Equal(Fill(1000, 1), before.ToArray()); // an earlier snapshot is never overwritten

        string next = Write("dovecot.index.tmp", Fill(300, 3));
        File.Move(next, path, true);
        Assert.Equal(Fill(300, 3), view.GetBytes().ToArray());
        Assert.Equal(2300, view.BytesRead);
        Assert.Equal(2, view.Rereads);
    }

    [Fact]
    public void An_appended_log_is_reread_in_proportion_to_the_appended_bytes()
    {
        string path = Write("dovecot.index.log", Fill(100_000, 1));
        using var view = new IndexFileView(path, IndexCacheMode.Buffered);
        Assert.True(view.AppendOnly);
        Assert.Equal(100_000, view.GetBytes().Length);
        var first = view.GetBytes();

        var expected = Fill(100_000, 1).ToList();
        foreach (int appended in new[] { 1, 40, 4096, 123 })
        {
            long before = view.BytesRead;
            var extra = Fill(appended, appended);
            using (var stream = new FileStream(path, FileMode.Append))
            {
                stream.Write(extra);
            }

            expected.AddRange(extra);
            Assert.Equal(expected.ToArray(), view.GetBytes().ToArray());
            Assert.Equal(appended, view.BytesRead - before);
        }

        Assert.Equal(Fill(100_000, 1), first.ToArray());

        // Not append-only: a grown dovecot.index is read whole.
        string index = Write("dovecot.index", Fill(1000, 1));
        using var whole = new IndexFileView(index, IndexCacheMode.Buffered);
        whole.GetBytes();
        File.AppendAllText(index, "x");
        whole.GetBytes();
        Assert.Equal(1000 + 1001, whole.BytesRead);
    }

    [Theory]
    [InlineData(IndexCacheMode.Mmap)]
    [InlineData(IndexCacheMode.Buffered)]
    [InlineData(IndexCacheMode.BufferedFlush)]
    public void The_epoch_stays_while_a_log_only_grows_and_changes_otherwise(IndexCacheMode mode)
    {
        string path = Write("dovecot.index.log", Fill(500, 1));
        using var view = new IndexFileView(path, mode);
        long epoch = view.Read(flushDirectory: true).Epoch;
        Assert.Equal(epoch, view.Read(flushDirectory: true).Epoch);

        File.AppendAllText(path, "more");
        var grown = view.Read(flushDirectory: true);
        Assert.Equal(epoch, grown.Epoch);
        Assert.Equal(504, grown.Bytes.Length);

        // In place, same size: the content is not the old one plus a tail.
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[] { 0xEE });
        }

        Touch(path, 10);
        var rewritten = view.Read(flushDirectory: true);
        Assert.NotEqual(epoch, rewritten.Epoch);
        Assert.Equal(0xEE, rewritten.Bytes.Span[0]);

        // Replaced by rename (a rotated or recreated log).
        string next = Write("dovecot.index.log.tmp", Fill(600, 3));
        File.Move(next, path, true);
        var replaced = view.Read(flushDirectory: true);
        Assert.NotEqual(rewritten.Epoch, replaced.Epoch);
        Assert.Equal(600, replaced.Bytes.Length);
    }

    [Fact]
    public void Mmap_sees_a_local_write_and_a_growth()
    {
        string path = Write("dovecot.index.cache", Fill(5000, 1));
        using var view = new IndexFileView(path, IndexCacheMode.Mmap);
        var mapped = view.GetBytes();
        Assert.Equal(Fill(5000, 1), mapped.ToArray());

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[] { 0xAB });
        }

        Assert.Equal(0xAB, mapped.Span[0]); // the mapping itself is live
        Assert.Equal(0xAB, view.GetBytes().Span[0]);

        File.AppendAllText(path, "tail");
        var grown = view.GetBytes();
        Assert.Equal(5004, grown.Length);
        Assert.Equal((byte)'l', grown.Span[5003]);
        Assert.Equal(0, view.BytesRead);
        Assert.Equal(5000, mapped.Length); // the old mapping is still valid
    }

    [Fact]
    public void Cache_shares_views_counts_and_Clear_drops_them()
    {
        string a = Write("dovecot.index", Fill(10, 1));
        string b = Write("dovecot.index.log", Fill(20, 1));
        using var cache = new IndexCache();
        var va = cache.Get(a, IndexCacheMode.Buffered);
        Assert.Same(va, cache.Get(Path.Combine(dir, ".", "dovecot.index"), IndexCacheMode.Buffered));
        Assert.NotSame(va, cache.Get(a, IndexCacheMode.Mmap));
        va.GetBytes();
        cache.Get(b, IndexCacheMode.BufferedFlush).GetBytes();
        cache.Get(b, IndexCacheMode.BufferedFlush).GetBytes();

        var stats = cache.Statistics;
        Assert.Equal(3, stats.Views);
        Assert.Equal(30, stats.BytesRead);
        Assert.Equal(3, stats.Revalidations);
        Assert.Equal(0, stats.Rereads);

        cache.Clear();
        Assert.Equal(0, cache.Statistics.Views);
        Assert.Throws<ObjectDisposedException>(() => va.GetBytes());
        Assert.NotSame(va, cache.Get(a, IndexCacheMode.Buffered));
        Assert.Equal(1, cache.Statistics.Views);
    }

    [Fact]
    public void A_missing_file_throws_FileNotFound()
    {
        using var view = new IndexFileView(Path.Combine(dir, "dovecot.index"), IndexCacheMode.Buffered);
        Assert.Throws<FileNotFoundException>(() => view.GetBytes());
    }

    [Fact]
    public void ForConfig_follows_mail_nfs_index_then_mmap_disable_then_the_filesystem()
    {
        var local = FileSystemDetector.DetectNearest(dir);
        Assert.False(local.Traits.Shared);
        var gluster = new DetectedFileSystem("/srv/mail", "/srv/mail", true, null, 0x65735546, FileSystemKind.GlusterFs, "fuse.glusterfs", "glusterfs", Array.Empty<string>(),
            FileSystemCatalog.Describe(FileSystemKind.GlusterFs, Array.Empty<string>()));
        Assert.True(gluster.Traits.Shared);

        Assert.Equal(IndexCacheMode.BufferedFlush, IndexCacheModes.ForConfig(Config("mail_nfs_index = yes\nmmap_disable = yes\nmail_fsync = always"), local));
        Assert.Equal(IndexCacheMode.Buffered, IndexCacheModes.ForConfig(Config("mmap_disable = yes"), local));
        Assert.Equal(IndexCacheMode.Buffered, IndexCacheModes.ForConfig(Config("mmap_disable = no"), gluster));
        Assert.Equal(IndexCacheMode.Buffered, IndexCacheModes.ForConfig(null, gluster));
        Assert.Equal(IndexCacheMode.Mmap, IndexCacheModes.ForConfig(Config("mmap_disable = no"), local));
        Assert.Equal(IndexCacheMode.Mmap, IndexCacheModes.ForConfig(null, null));

        var perProtocol = Config("protocol imap {\n  mmap_disable = yes\n}");
        Assert.Equal(IndexCacheMode.Mmap, IndexCacheModes.ForConfig(perProtocol, null));
        Assert.Equal(IndexCacheMode.Buffered, IndexCacheModes.ForConfig(perProtocol, null, new ConfigFilter("imap", null, null, null)));
    }

    internal static byte[] Fill(int size, int seed) => Enumerable.Range(0, size).Select(i => (byte)(i * 7 + seed)).ToArray();

    private DovecotConfig Config(string text) => ConfigReader.Read(Write("dovecot-" + Guid.NewGuid().ToString("N")[..6] + ".conf", System.Text.Encoding.UTF8.GetBytes(text + "\n")));

    private string Write(string name, byte[] data)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    private static void Touch(string path, int secondsAhead) => File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(secondsAhead));
}
