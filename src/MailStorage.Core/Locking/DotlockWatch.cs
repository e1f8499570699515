using System;
using System.Text;
using System.Threading;
using MailStorage.Core.FileSystems;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>
/// Wakes a dotlock wait when the lock is removed (unlinked or renamed away): inotify on the lock's folder, as Dovecot
/// waits (io_add_notify), so the wait takes the lock right after its release instead of at its next poll (0.1 s to
/// 3 s). Only on local filesystems: on NFS, CIFS, FUSE and the cluster filesystems inotify does not see another host's
/// changes, so there the wait keeps Dovecot's own polling back-off.
/// </summary>
internal sealed class DotlockWatch : IDisposable
{
    // Slices of a watched sleep: a cancellation is seen within this (poll cannot wait on a .NET token).
    private const int SliceMilliseconds = 20;

    private readonly byte[] name;
    private int fd;

    private DotlockWatch(int fd, string lockName)
    {
        this.fd = fd;
        name = Encoding.UTF8.GetBytes(lockName);
    }

    /// <summary>A watch of <paramref name="lockPath"/>'s folder, or null on a network filesystem or when inotify fails.</summary>
    public static DotlockWatch? TryCreate(string lockPath)
    {
        string folder = System.IO.Path.GetDirectoryName(lockPath) is { Length: > 0 } d ? d : ".";
        try
        {
            if (!IsLocal(Libc.statfs(folder).f_type))
            {
                return null;
            }
        }
        catch (System.IO.IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        int fd = Libc.inotify_init1(Libc.IN_NONBLOCK | Libc.IN_CLOEXEC);
        if (fd < 0)
        {
            return null; // out of inotify instances: polling still works
        }

        if (Libc.inotify_add_watch(fd, folder, Libc.IN_DELETE | Libc.IN_MOVED_FROM | Libc.IN_ONLYDIR) < 0)
        {
            _ = Libc.close(fd);
            return null;
        }

        return new DotlockWatch(fd, System.IO.Path.GetFileName(lockPath));
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the lock to be removed: true when it was (or when events were lost,
    /// so it may have been). Throws when cancelled, within <see cref="SliceMilliseconds"/>.
    /// </summary>
    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return false;
            }

            var entry = new Libc.pollfd_t { fd = fd, events = Libc.POLLIN };
            int ready = Libc.poll(ref entry, 1, (int)Math.Min(left, SliceMilliseconds));
            if (ready < 0 && Libc.LastErrno != Libc.EINTR)
            {
                throw Libc.Failure("poll(inotify)", null, Libc.LastErrno);
            }

            if (ready > 0 && DrainNamesLock())
            {
                return true;
            }
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        int old = Interlocked.Exchange(ref fd, -1);
        if (old >= 0)
        {
            _ = Libc.close(old);
        }
    }

    private static bool IsLocal(long magic) => magic is not (FileSystemMagic.Nfs or FileSystemMagic.Cifs or FileSystemMagic.Smb2
        or FileSystemMagic.Fuse or FileSystemMagic.Gfs2 or FileSystemMagic.Ocfs2);

    /// <summary>Reads every queued event: whether one was about the lock (or the queue overflowed).</summary>
    private unsafe bool DrainNamesLock()
    {
        bool found = false;
        byte* buffer = stackalloc byte[4096];
        while (true)
        {
            nint read = Libc.read(fd, buffer, 4096);
            if (read <= 0)
            {
                return found; // EAGAIN: drained
            }

            // struct inotify_event: int wd; uint32 mask, cookie, len; char name[len] (NUL-padded).
            for (nint at = 0; at + 16 <= read;)
            {
                uint mask = *(uint*)(buffer + at + 4);
                int len = (int)*(uint*)(buffer + at + 12);
                var eventName = new ReadOnlySpan<byte>(buffer + at + 16, len);
                int nul = eventName.IndexOf((byte)0);
                if ((mask & Libc.IN_Q_OVERFLOW) != 0 || (nul >= 0 ? eventName[..nul] : eventName).SequenceEqual(name))
                {
                    found = true;
                }

                at += 16 + len;
            }
        }
    }
}
