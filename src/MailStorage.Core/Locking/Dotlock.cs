using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>
/// Dovecot's dotlock: <c>&lt;file&gt;.lock</c> holding <c>pid:hostname</c> (no newline), created exclusively with its
/// content already in it (O_TMPFILE + linkat where the filesystem has it, else O_EXCL as Dovecot does), or with
/// <c>dotlock_use_excl=no</c> as a temp file link()ed to the lock name. While held its mtime is touched every refresh
/// interval so others do not judge it stale; release unlinks it only if its device and inode are still ours.
/// </summary>
internal sealed class Dotlock : IFileLock
{
    private const int Held = 0;
    private const int Released = 1;

    // Dotlocks this process holds, by (device, inode): a lock naming our own pid is not stale while one of our threads holds it.
    private static readonly HashSet<(ulong, ulong)> HeldHere = new();

    private readonly ulong device;
    private readonly ulong inode;
    private readonly bool refreshed;
    private int state;
    private int lost;

    private Dotlock(string path, string lockPath, ulong device, ulong inode, TimeSpan? refreshInterval)
    {
        Path = path;
        LockPath = lockPath;
        this.device = device;
        this.inode = inode;
        AcquiredAt = DateTimeOffset.UtcNow;
        lock (HeldHere)
        {
            HeldHere.Add((device, inode));
        }

        if (refreshInterval is TimeSpan interval)
        {
            refreshed = true;
            DotlockRefresher.Add(this, interval);
        }
    }

    public string Path { get; }

    public string LockPath { get; }

    public LockMethod Method => LockMethod.Dotlock;

    public LockMode Mode => LockMode.Exclusive;

    public DateTimeOffset AcquiredAt { get; }

    public bool IsHeld => Volatile.Read(ref state) == Held && !IsLost;

    public bool IsLost
    {
        get
        {
            if (Volatile.Read(ref lost) == 0 && Volatile.Read(ref state) == Held && !StillOurs())
            {
                Volatile.Write(ref lost, 1);
            }

            return Volatile.Read(ref lost) != 0;
        }
    }

    /// <summary>What a dotlock's name adds to the name of the file it locks.</summary>
    public const string Suffix = ".lock";

    /// <summary>The lock file of <paramref name="path"/>: <c>path + ".lock"</c>.</summary>
    public static string LockPathOf(string path) => path + Suffix;

    /// <summary>Whether this process holds the dotlock with this device and inode (on any thread).</summary>
    public static bool IsHeldHere(ulong device, ulong inode)
    {
        lock (HeldHere)
        {
            return HeldHere.Contains((device, inode));
        }
    }

    /// <summary>
    /// One attempt to create the lock file: the lock, or null when the lock file exists (and then the caller judges
    /// whether it is stale). <paramref name="creator"/> keeps the temp file of <c>dotlock_use_excl=no</c> between attempts.
    /// </summary>
    public static Dotlock? TryCreate(string path, LockOptions options, DotlockCreator? creator)
    {
        string lockPath = LockPathOf(path);
        byte[] content = LocalHost.DotlockContent(options.Hostname);
        (ulong Device, ulong Inode)? identity = options.DotlockUseExcl
            ? CreateExclusive(lockPath, content)
            : (creator ?? throw new ArgumentNullException(nameof(creator))).CreateByLink(lockPath, content, options.Hostname);
        return identity is { } id ? new Dotlock(path, lockPath, id.Device, id.Inode, options.EffectiveRefreshInterval) : null;
    }

    public bool Release()
    {
        if (Interlocked.Exchange(ref state, Released) == Released)
        {
            return Volatile.Read(ref lost) == 0;
        }

        if (refreshed)
        {
            DotlockRefresher.Remove(this);
        }

        lock (HeldHere)
        {
            HeldHere.Remove((device, inode));
        }

        bool ours = Volatile.Read(ref lost) == 0 && StillOurs();
        if (ours)
        {
            if (Libc.unlink(LockPath) < 0 && Libc.LastErrno != Libc.ENOENT)
            {
                throw Libc.Failure("unlink", LockPath, Libc.LastErrno);
            }
        }
        else
        {
            Volatile.Write(ref lost, 1);
        }

        LockWait.NotifyReleased();
        return ours;
    }

    public void Dispose() => Release();

    public override string ToString() => "Dotlock on " + Path + (IsLost ? " (lost)" : IsHeld ? " (held)" : " (released)");

    private static (ulong Device, ulong Inode)? CreateExclusive(string lockPath, byte[] content) =>
        CreateWhole(lockPath, content, out (ulong Device, ulong Inode)? identity) ? identity : CreateEmptyThenWrite(lockPath, content);

    /// <summary>
    /// Creates the lock with its content already in it: an unnamed O_TMPFILE file in the lock's folder, written, then
    /// named by linkat(2), which fails with EEXIST while the lock exists, exactly as O_EXCL does. Why not O_EXCL then
    /// write: a process killed between the two leaves an empty lock, from which Dovecot cannot read a pid, so it waits
    /// out the whole stale timeout (an empty dovecot-uidlist.lock held doveadm for 2 minutes here) instead of overriding
    /// the dead holder after 2 s; a killed repair made exactly that state. Killed before linkat, nothing is left.
    /// False when the filesystem has no O_TMPFILE (NFS, FUSE, CIFS) or no /proc is mounted: then the caller uses O_EXCL.
    /// </summary>
    private static bool CreateWhole(string lockPath, byte[] content, out (ulong Device, ulong Inode)? identity)
    {
        identity = null;
        string folder = System.IO.Path.GetDirectoryName(lockPath) is { Length: > 0 } d ? d : ".";
        int fd;
        do
        {
            fd = Libc.open(folder, Libc.O_TMPFILE | Libc.O_RDWR | Libc.O_CLOEXEC, 0x1B6);
        }
        while (fd < 0 && Libc.LastErrno == Libc.EINTR);
        if (fd < 0)
        {
            int errno = Libc.LastErrno;
            return errno is Libc.EOPNOTSUPP or Libc.EISDIR or Libc.EINVAL ? false : throw Libc.Failure("open(O_TMPFILE)", folder, errno);
        }

        try
        {
            if (!WriteWhole(fd, content))
            {
                throw Libc.Failure("pwrite", lockPath, Libc.LastErrno);
            }

            if (Libc.linkat(Libc.AT_FDCWD, "/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture), Libc.AT_FDCWD, lockPath, Libc.AT_SYMLINK_FOLLOW) < 0)
            {
                int errno = Libc.LastErrno;
                if (errno == Libc.EEXIST)
                {
                    return true; // held: no identity, the caller judges the holder
                }

                return errno == Libc.ENOENT && !Directory.Exists("/proc/self/fd") ? false : throw Libc.Failure("linkat", lockPath, errno);
            }

            Libc.Check(Libc.fstat(fd, out var st), "fstat", lockPath);
            identity = (st.st_dev, st.st_ino);
            return true;
        }
        finally
        {
            _ = Libc.close(fd);
        }
    }

    /// <summary>O_EXCL, then the content: Dovecot's own way, for filesystems without O_TMPFILE.</summary>
    private static unsafe (ulong Device, ulong Inode)? CreateEmptyThenWrite(string lockPath, byte[] content)
    {
        int fd;
        do
        {
            fd = Libc.open(lockPath, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x1B6);
        }
        while (fd < 0 && Libc.LastErrno == Libc.EINTR);
        if (fd < 0)
        {
            int errno = Libc.LastErrno;
            if (errno == Libc.EEXIST)
            {
                return null;
            }

            throw Libc.Failure("open", lockPath, errno);
        }

        try
        {
            WriteContent(fd, lockPath, content);
            if (Libc.fstat(fd, out var st) < 0)
            {
                int errno = Libc.LastErrno;
                _ = Libc.unlink(lockPath);
                throw Libc.Failure("fstat", lockPath, errno);
            }

            return (st.st_dev, st.st_ino);
        }
        finally
        {
            _ = Libc.close(fd);
        }
    }

    /// <summary>Writes <c>pid:host</c>; when that fails the file is left empty, as Dovecot leaves it.</summary>
    internal static void WriteContent(int fd, string path, byte[] content)
    {
        if (!WriteWhole(fd, content))
        {
            _ = Libc.ftruncate(fd, 0);
        }
    }

    private static unsafe bool WriteWhole(int fd, byte[] content)
    {
        fixed (byte* p = content)
        {
            nint n;
            do
            {
                n = Libc.pwrite(fd, p, (nuint)content.Length, 0);
            }
            while (n < 0 && Libc.LastErrno == Libc.EINTR);
            return n == content.Length;
        }
    }

    private bool StillOurs() => Libc.NamesFile(LockPath, device, inode, followLinks: false);

    /// <summary>Touches the lock's mtime (Dovecot's file_dotlock_touch) if it is still ours; else marks it lost.</summary>
    internal unsafe void Refresh()
    {
        try
        {
            if (Volatile.Read(ref state) != Held)
            {
                return;
            }

            if (!StillOurs())
            {
                Volatile.Write(ref lost, 1);
                DotlockRefresher.Remove(this);
                return;
            }

            _ = Libc.utimensat(Libc.AT_FDCWD, LockPath, null, Libc.AT_SYMLINK_NOFOLLOW);
        }
        catch (IOException)
        {
            // The next tick, IsLost or Release will tell.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}

/// <summary>
/// The temp file of <c>dotlock_use_excl=no</c> for one lock attempt (kept between retries, as Dovecot keeps it), named
/// <c>.temp.&lt;host&gt;.&lt;pid&gt;.&lt;16 hex&gt;</c> beside the lock; Dispose removes it if it is still there.
/// </summary>
internal sealed class DotlockCreator : IDisposable
{
    private string? tempPath;
    private ulong device;
    private ulong inode;

    /// <summary>link()s the temp file to <paramref name="lockPath"/>: the identity when we got the lock, null when it exists.</summary>
    public (ulong Device, ulong Inode)? CreateByLink(string lockPath, byte[] content, string host)
    {
        if (tempPath == null)
        {
            CreateTemp(lockPath, content, host);
        }

        string temp = tempPath!;
        if (Libc.link(temp, lockPath) == 0)
        {
            RemoveTemp();
            return (device, inode);
        }

        int errno = Libc.LastErrno;

        // NFS: the reply to a link that succeeded can be lost and the retry answer EEXIST; the temp file's link count
        // tells the truth.
        if (Libc.stat(temp, out var st) == 0 && st.st_nlink == 2)
        {
            RemoveTemp();
            return (device, inode);
        }

        if (errno == Libc.EEXIST)
        {
            return null;
        }

        throw Libc.Failure("link", temp + ", " + lockPath, errno);
    }

    public void Dispose() => RemoveTemp();

    private void CreateTemp(string lockPath, byte[] content, string host)
    {
        string directory = System.IO.Path.GetDirectoryName(lockPath) is { Length: > 0 } d ? d + "/" : string.Empty;
        for (int i = 0; i < 10; i++)
        {
            string candidate = directory + ".temp." + host + "." + LocalHost.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." +
                System.Security.Cryptography.RandomNumberGenerator.GetHexString(16, lowercase: true);
            int fd;
            do
            {
                fd = Libc.open(candidate, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x1B6);
            }
            while (fd < 0 && Libc.LastErrno == Libc.EINTR);
            if (fd < 0)
            {
                if (Libc.LastErrno == Libc.EEXIST)
                {
                    continue;
                }

                throw Libc.Failure("open", candidate, Libc.LastErrno);
            }

            try
            {
                Dotlock.WriteContent(fd, candidate, content);
                Libc.Check(Libc.fstat(fd, out var st), "fstat", candidate);
                device = st.st_dev;
                inode = st.st_ino;
                tempPath = candidate;
                return;
            }
            catch
            {
                _ = Libc.unlink(candidate);
                throw;
            }
            finally
            {
                _ = Libc.close(fd);
            }
        }

        throw new IOException("Could not create a temp file for " + lockPath + ": ten random names were all taken.");
    }

    private void RemoveTemp()
    {
        if (tempPath != null)
        {
            _ = Libc.unlink(tempPath);
            tempPath = null;
        }
    }
}
