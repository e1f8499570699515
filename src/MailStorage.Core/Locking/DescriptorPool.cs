using System;
using System.Collections.Generic;
using System.Threading;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>An open descriptor of a file to lock, with the identity (device, inode) it was opened with.</summary>
internal sealed class LockDescriptor
{
    public LockDescriptor(string path, int fd, bool writable, ulong device, ulong inode)
    {
        Path = path;
        Fd = fd;
        Writable = writable;
        Device = device;
        Inode = inode;
        CPath = Libc.ToCPath(path);
    }

    public string Path { get; }

    /// <summary><see cref="Path"/> as the C library takes it, made once: the replaced-file check stats it on every lock.</summary>
    public byte[] CPath { get; }

    public int Fd { get; private set; }

    public bool Writable { get; }

    public ulong Device { get; }

    public ulong Inode { get; }

    public long IdleSince { get; set; }

    public void Close()
    {
        int fd = Fd;
        Fd = -1;
        if (fd >= 0)
        {
            _ = Libc.close(fd);
        }
    }
}

/// <summary>
/// Descriptors of files recently locked by fcntl or flock, kept open for a moment after release so that a lock taken
/// again soon costs the lock call and not an open and a close. One idle descriptor per path, at most
/// <see cref="MaxIdle"/> paths, each closed after about <see cref="IdleLifetime"/> unused (or at once by
/// <see cref="CloseIdle"/>). An idle descriptor holds no lock: it is unlocked before it comes back here.
/// </summary>
internal static class DescriptorPool
{
    /// <summary>How long an unused descriptor stays open.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(1);

    private const int MaxIdle = 64;
    private static readonly object Gate = new();
    private static readonly Dictionary<string, LockDescriptor> Idle = new(StringComparer.Ordinal);
    private static Timer? sweeper;
    private static volatile bool sweeping;

    // The descriptor released last, outside the dictionary: taking the same file again (the common case) costs two
    // interlocked exchanges instead of a lock and a lookup.
    private static LockDescriptor? last;

    /// <summary>An idle descriptor of <paramref name="path"/>, or a newly opened one (O_RDWR, else O_RDONLY); symlinks are refused.</summary>
    public static LockDescriptor Rent(string path, bool needWrite)
    {
        var recent = Interlocked.Exchange(ref last, null);
        if (recent != null)
        {
            if ((ReferenceEquals(recent.Path, path) || string.Equals(recent.Path, path, StringComparison.Ordinal)) && (recent.Writable || !needWrite))
            {
                return recent;
            }

            Park(recent);
        }

        lock (Gate)
        {
            if (Idle.Remove(path, out var idle))
            {
                if (idle.Writable || !needWrite)
                {
                    return idle;
                }

                idle.Close();
            }
        }

        return Open(path, needWrite);
    }

    /// <summary>Takes back an unlocked descriptor (or closes it when one of that path is already idle).</summary>
    public static void Return(LockDescriptor descriptor)
    {
        descriptor.IdleSince = Environment.TickCount64;
        if (Interlocked.CompareExchange(ref last, descriptor, null) == null)
        {
            if (!sweeping)
            {
                StartSweeping();
            }

            return;
        }

        Park(descriptor);
    }

    private static void Park(LockDescriptor descriptor)
    {
        lock (Gate)
        {
            if (Idle.Count < MaxIdle && Idle.TryAdd(descriptor.Path, descriptor))
            {
                if (!sweeping)
                {
                    StartSweeping();
                }

                return;
            }
        }

        descriptor.Close();
    }

    /// <summary>Closes every idle descriptor now (before unmounting a filesystem, for example).</summary>
    public static void CloseIdle()
    {
        Interlocked.Exchange(ref last, null)?.Close();
        lock (Gate)
        {
            foreach (var descriptor in Idle.Values)
            {
                descriptor.Close();
            }

            Idle.Clear();
        }
    }

    private static LockDescriptor Open(string path, bool needWrite)
    {
        const int flags = Libc.O_NOFOLLOW | Libc.O_CLOEXEC;
        bool writable = true;
        int fd;
        do
        {
            fd = Libc.open(path, Libc.O_RDWR | flags, 0);
        }
        while (fd < 0 && Libc.LastErrno == Libc.EINTR);

        if (fd < 0 && !needWrite && Libc.LastErrno is Libc.EACCES or Libc.EROFS or Libc.EPERM)
        {
            writable = false;
            do
            {
                fd = Libc.open(path, Libc.O_RDONLY | flags, 0);
            }
            while (fd < 0 && Libc.LastErrno == Libc.EINTR);
        }

        if (fd < 0)
        {
            int errno = Libc.LastErrno;
            throw errno == Libc.ELOOP
                ? new System.IO.IOException("open(" + path + ") refused: it is a symbolic link, and locks are never taken through one (errno 40)", errno)
                : Libc.Failure("open", path, errno);
        }

        if (Libc.fstat(fd, out var st) < 0)
        {
            int errno = Libc.LastErrno;
            _ = Libc.close(fd);
            throw Libc.Failure("fstat", path, errno);
        }

        return new LockDescriptor(path, fd, writable, st.st_dev, st.st_ino);
    }

    private static void StartSweeping()
    {
        lock (Gate)
        {
            if (!sweeping)
            {
                sweeping = true;
                sweeper ??= new Timer(static _ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);
                sweeper.Change(IdleLifetime, IdleLifetime);
            }
        }
    }

    private static void Sweep()
    {
        List<LockDescriptor>? expired = null;
        var recent = Volatile.Read(ref last);
        if (recent != null && Environment.TickCount64 - recent.IdleSince >= (long)IdleLifetime.TotalMilliseconds &&
            Interlocked.CompareExchange(ref last, null, recent) == recent)
        {
            recent.Close();
        }

        lock (Gate)
        {
            long now = Environment.TickCount64;
            foreach (var pair in Idle)
            {
                if (now - pair.Value.IdleSince >= (long)IdleLifetime.TotalMilliseconds)
                {
                    (expired ??= new List<LockDescriptor>()).Add(pair.Value);
                }
            }

            if (expired != null)
            {
                foreach (var descriptor in expired)
                {
                    Idle.Remove(descriptor.Path);
                }
            }

            if (Idle.Count == 0 && sweeping && Volatile.Read(ref last) == null)
            {
                sweeping = false;
                sweeper?.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }

        if (expired != null)
        {
            foreach (var descriptor in expired)
            {
                descriptor.Close();
            }
        }

        // A descriptor returned while the sweeper was being stopped must not stay open for good.
        if (!sweeping && Volatile.Read(ref last) != null)
        {
            StartSweeping();
        }
    }
}
