using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using MailStorage.Core.FileSystems;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Caching;

/// <summary>
/// One index file (dovecot.index, dovecot.index.log, dovecot.index.cache) held under an <see cref="IndexCacheMode"/>,
/// revalidated before each <see cref="GetBytes"/>:
/// <list type="bullet">
/// <item><see cref="IndexCacheMode.Mmap"/>: mapped read-only and shared; remapped when the size changes, reopened when the
/// path names another inode (Dovecot replaces dovecot.index and the cache by rename and rotates the log).</item>
/// <item><see cref="IndexCacheMode.Buffered"/>: read into memory; stat(path) before each use and re-read only when the
/// device, inode, size, mtime or ctime differ. An append-only file (the .log) whose inode is unchanged and that only
/// grew is read incrementally: just the new bytes.</item>
/// <item><see cref="IndexCacheMode.BufferedFlush"/>: first chown(path, -1, -1), which changes nothing but makes NFS and
/// FUSE fetch fresh attributes (Dovecot's mail_nfs_index does the same), and a listing of the folder, which makes
/// GlusterFS drop its cached content of small files (<see cref="AttributeFlush"/> has the measurements); then as
/// Buffered, except that ctime is not compared: the flush itself sets it.</item>
/// </list>
/// Memory from <see cref="GetBytes"/> stays valid until the view is disposed: a Buffered result is a snapshot that
/// later reads never overwrite; superseded mappings are unmapped only on Dispose. A mapped file truncated by another
/// process can still fault (SIGBUS) as it can for Dovecot; Dovecot never truncates index files in place.
/// <para>
/// An append-only file read incrementally is trusted not to change before its old end. Dovecot's one in-place write
/// to a log, zeroing indexid to mark it corrupted, comes with no append (the next opener replaces the file, a new
/// inode, which is read whole), so the content handed out is always one the file really had.
/// </para>
/// </summary>
public sealed class IndexFileView : IDisposable
{
    private readonly object gate = new();
    private readonly IndexCache.Counters? shared;
    private readonly List<Mapping> mappings = new();
    private int fd = -1;
    private bool loaded;
    private Libc.stat_t stamp;
    private byte[] buffer = Array.Empty<byte>();
    private int length;
    private Mapping? current;
    private long bytesRead, revalidations, rereads;
    // Epochs come from one counter for every view, so content of two views (a file forgotten and seen again) never
    // shares one.
    private static long lastEpoch;
    private long epoch;
    private bool disposed;

    /// <summary>A view of <paramref name="path"/>; nothing is opened until <see cref="GetBytes"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="mode">The policy.</param>
    /// <param name="appendOnly">Whether growth may be read incrementally; null: yes for a transaction log (.log, .log.2).</param>
    public IndexFileView(string path, IndexCacheMode mode, bool? appendOnly = null)
        : this(path, mode, appendOnly, null)
    {
    }

    internal IndexFileView(string path, IndexCacheMode mode, bool? appendOnly, IndexCache.Counters? shared)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown index cache mode.");
        }

        Path = path;
        Mode = mode;
        AppendOnly = appendOnly ?? (path.EndsWith(".log", StringComparison.Ordinal) || path.EndsWith(".log.2", StringComparison.Ordinal));
        this.shared = shared;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The policy.</summary>
    public IndexCacheMode Mode { get; }

    /// <summary>Whether growth with the same inode is read incrementally (Buffered modes).</summary>
    public bool AppendOnly { get; }

    /// <summary>Bytes read from the file so far (a mapping reads none itself).</summary>
    public long BytesRead => Interlocked.Read(ref bytesRead);

    /// <summary>Revalidations so far (one per <see cref="GetBytes"/>).</summary>
    public long Revalidations => Interlocked.Read(ref revalidations);

    /// <summary>Revalidations that found a change and re-read, remapped or reopened the file.</summary>
    public long Rereads => Interlocked.Read(ref rereads);

    /// <summary>The inode, size, mtime and ctime the held content corresponds to (after the last <see cref="GetBytes"/>).</summary>
    public (ulong Device, ulong Inode, long Size) Identity
    {
        get
        {
            lock (gate)
            {
                return (stamp.st_dev, stamp.st_ino, stamp.st_size);
            }
        }
    }

    /// <summary>These counters as statistics.</summary>
    public IndexCacheStatistics Statistics => new(1, BytesRead, Revalidations, Rereads);

    /// <summary>
    /// The file's content after revalidating it under <see cref="Mode"/>. Throws FileNotFoundException (and the like)
    /// when the file cannot be stat'ed or opened.
    /// </summary>
    public ReadOnlyMemory<byte> GetBytes() => Read(flushDirectory: true).Bytes;

    /// <summary>
    /// As <see cref="GetBytes"/>, with the epoch of the content: it changes whenever the content is not the previous
    /// content with bytes appended (a reopen, a full re-read, a remap of a file that is not append-only), so a parse of
    /// earlier content with the same epoch may be extended instead of redone. <paramref name="flushDirectory"/> false
    /// leaves out BufferedFlush's folder listing, for a caller that has just listed the folder itself.
    /// </summary>
    internal ViewContent Read(bool flushDirectory)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Interlocked.Increment(ref revalidations);
            shared?.AddRevalidation();
            if (Mode == IndexCacheMode.BufferedFlush)
            {
                AttributeFlush.File(Path);
                if (flushDirectory)
                {
                    AttributeFlush.Directory(System.IO.Path.GetDirectoryName(Path) ?? "/", [System.IO.Path.GetFileName(Path)]);
                }
            }

            Libc.Check(Libc.stat(Path, out var st), "stat", Path);
            if (!loaded || st.st_dev != stamp.st_dev || st.st_ino != stamp.st_ino)
            {
                if (loaded)
                {
                    CountReread();
                }

                Reopen();
                return Current();
            }

            if (Same(st, stamp, Mode != IndexCacheMode.BufferedFlush))
            {
                return Current();
            }

            CountReread();
            if (Mode == IndexCacheMode.Mmap)
            {
                if (st.st_size != stamp.st_size)
                {
                    Map(st.st_size);
                }

                // The mapping shows in-place writes by itself; only growth of an append-only file keeps what a parse knew.
                if (!AppendOnly || st.st_size <= stamp.st_size)
                {
                    NewEpoch();
                }

                stamp = st;
            }
            else if (AppendOnly && st.st_size > stamp.st_size && st.st_size <= int.MaxValue)
            {
                Append(st);
            }
            else
            {
                ReadAll(st);
            }

            return Current();
        }
    }

    /// <summary>Closes the file and unmaps every mapping; memory from <see cref="GetBytes"/> is then invalid for Mmap.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            foreach (var mapping in mappings)
            {
                mapping.Unmap();
            }

            mappings.Clear();
            current = null;
            buffer = Array.Empty<byte>();
            length = 0;
            if (fd >= 0)
            {
                _ = Libc.close(fd);
                fd = -1;
            }
        }
    }

    // The flush's own chown(-1, -1) sets ctime (Linux updates it even for a no-op chown), so BufferedFlush cannot
    // use ctime: it would re-read on every use. Dovecot's mail_nfs_index compares inode, size and mtime likewise.
    private static bool Same(in Libc.stat_t a, in Libc.stat_t b, bool ctime) =>
        a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
        a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
        (!ctime || (a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec));

    private void CountReread()
    {
        Interlocked.Increment(ref rereads);
        shared?.AddReread();
    }

    private ViewContent Current() => new(
        Mode == IndexCacheMode.Mmap ? current?.Memory ?? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(buffer, 0, length),
        epoch);

    private void NewEpoch() => epoch = Interlocked.Increment(ref lastEpoch);

    private void Reopen()
    {
        NewEpoch();
        if (fd >= 0)
        {
            _ = Libc.close(fd);
            fd = -1;
        }

        int opened = Libc.Check(Libc.open(Path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0), "open", Path);
        fd = opened;
        // The descriptor's own status: the path may have been replaced again between stat and open.
        Libc.Check(Libc.fstat(fd, out var st), "fstat", Path);
        if (!Libc.IsRegular(st.st_mode))
        {
            // mmap or read of a folder fails with ENODEV or EISDIR, which says nothing of what is wrong.
            _ = Libc.close(fd);
            fd = -1;
            throw new System.IO.IOException("'" + Path + "' is " + (Libc.IsDirectory(st.st_mode) ? "a folder" : "not a regular file") +
                ", not a file: Dovecot's index files are regular files; look at what it is and move it away by hand.");
        }

        if (Mode == IndexCacheMode.Mmap)
        {
            Map(st.st_size);
            stamp = st;
        }
        else
        {
            ReadAll(st);
        }

        loaded = true;
    }

    private void Map(long size)
    {
        if (size > int.MaxValue)
        {
            throw new NotSupportedException(Path + " is larger than 2 GiB.");
        }

        if (size == 0)
        {
            current = null;
            return;
        }

        IntPtr address = Libc.mmap(IntPtr.Zero, (nuint)size, Libc.PROT_READ, Libc.MAP_SHARED, fd, 0);
        if (address == Libc.MAP_FAILED)
        {
            throw Libc.Failure("mmap", Path, Libc.LastErrno);
        }

        // The superseded mapping stays until Dispose: memory handed out earlier must not fault.
        current = new Mapping(address, (int)size);
        mappings.Add(current);
    }

    private void ReadAll(in Libc.stat_t st)
    {
        if (st.st_size > int.MaxValue)
        {
            throw new NotSupportedException(Path + " is larger than 2 GiB.");
        }

        // A new array: a snapshot handed out earlier is never overwritten.
        NewEpoch();
        var data = new byte[(int)st.st_size];
        int got = ReadAt(data, 0, data.Length, 0);
        buffer = data;
        length = got;
        stamp = st;
        stamp.st_size = got;
    }

    private void Append(in Libc.stat_t st)
    {
        int oldLength = length;
        int newLength = (int)st.st_size;
        if (buffer.Length < newLength)
        {
            var grown = new byte[Math.Max(newLength, (int)Math.Min(int.MaxValue, buffer.Length * 2L))];
            Buffer.BlockCopy(buffer, 0, grown, 0, oldLength);
            buffer = grown;
        }

        // Bytes past oldLength were never handed out, so writing them leaves earlier snapshots intact.
        int got = ReadAt(buffer, oldLength, newLength - oldLength, oldLength);
        length = oldLength + got;
        stamp = st;
        stamp.st_size = length;
    }

    private unsafe int ReadAt(byte[] target, int index, int count, long offset)
    {
        int total = 0;
        fixed (byte* start = target)
        {
            while (total < count)
            {
                nint n = Libc.pread(fd, start + index + total, (nuint)(count - total), offset + total);
                if (n < 0)
                {
                    int errno = Libc.LastErrno;
                    if (errno == Libc.EINTR)
                    {
                        continue;
                    }

                    throw Libc.Failure("pread", Path, errno);
                }

                if (n == 0)
                {
                    break; // shrank since stat
                }

                total += (int)n;
            }
        }

        Interlocked.Add(ref bytesRead, total);
        shared?.AddBytesRead(total);
        return total;
    }

    /// <summary>Content from <see cref="Read"/> and its epoch.</summary>
    internal readonly record struct ViewContent(ReadOnlyMemory<byte> Bytes, long Epoch);

    /// <summary>One mmap'ed region, exposed as Memory.</summary>
    private sealed unsafe class Mapping : MemoryManager<byte>
    {
        private readonly int size;
        private IntPtr address;

        public Mapping(IntPtr address, int size)
        {
            this.address = address;
            this.size = size;
        }

        public override Span<byte> GetSpan() => address == IntPtr.Zero ? Span<byte>.Empty : new Span<byte>((void*)address, size);

        public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)address + elementIndex);

        public override void Unpin()
        {
        }

        public void Unmap()
        {
            if (address != IntPtr.Zero)
            {
                _ = Libc.munmap(address, (nuint)size);
                address = IntPtr.Zero;
            }
        }

        protected override void Dispose(bool disposing) => Unmap();
    }
}
