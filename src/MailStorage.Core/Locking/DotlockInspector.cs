using System;
using System.Globalization;
using System.Text;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>What a look at an existing dotlock concluded.</summary>
internal enum DotlockVerdict
{
    /// <summary>It is gone (or was just replaced): try to create ours now.</summary>
    Gone,

    /// <summary>Someone holds it: wait.</summary>
    Held,

    /// <summary>It was stale and has been removed: create ours after the short pause Dovecot takes.</summary>
    Overridden,
}

/// <summary>
/// Judges an existing dotlock the way Dovecot's check_lock does, remembering what it saw between looks: a lock of this
/// host whose pid is dead and that is older than 2 s is overridden at once; any other lock only when neither it
/// (inode, device, size, mtime, ctime) nor the protected file changed for the stale timeout.
/// </summary>
internal sealed class DotlockInspector
{
    /// <summary>Dovecot reads the pid only of dotlocks older than this (STALE_PID_CHECK_SECS).</summary>
    public const double PidCheckSeconds = 2;

    private readonly string path;
    private readonly string lockPath;
    private readonly string host;
    private readonly double staleSeconds;
    private Signature lockSignature;
    private Signature fileSignature;
    private double lastChange;
    private bool pidRead;
    private int pid = -1;
    private double lastPidCheck = double.MinValue;

    public DotlockInspector(string path, string host, TimeSpan staleTimeout, string? lockPath = null)
    {
        this.path = path;
        this.lockPath = lockPath ?? Dotlock.LockPathOf(path);
        this.host = host;
        staleSeconds = staleTimeout.TotalSeconds;
    }

    /// <summary>Whether the last look changed anything (the lock was created, replaced or touched).</summary>
    public bool Changed { get; private set; }

    /// <summary>
    /// When (Unix seconds) the verdict on an unchanged lock can next change: when it is 2 s old and its pid will be
    /// read, or when the stale timeout runs out. Null when neither is ahead.
    /// </summary>
    public double? NextVerdictChange()
    {
        double now = Now();
        if (!pidRead && lockSignature.Known && lockSignature.MTime + PidCheckSeconds > now)
        {
            return lockSignature.MTime + PidCheckSeconds;
        }

        if (pid <= 0 && staleSeconds > 0 && lastChange + staleSeconds > now)
        {
            return lastChange + staleSeconds;
        }

        return null;
    }

    /// <summary>The current time in Unix seconds (file times are wall-clock times).</summary>
    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>One look at the lock; removes it when it is stale.</summary>
    public DotlockVerdict Check()
    {
        double now = Now();
        if (!Look(now, out bool changed))
        {
            return DotlockVerdict.Gone;
        }

        Changed = changed;
        bool havePid;
        if (changed || !pidRead)
        {
            // A lock created a moment ago is not worth reading.
            if (lockSignature.MTime >= now - PidCheckSeconds)
            {
                pidRead = false;
                pid = -1;
            }
            else
            {
                pid = ReadLocalPid(lockPath, host);
                pidRead = true;
                lastPidCheck = now;
            }

            havePid = pid > 0;
        }
        else if (pid <= 0)
        {
            havePid = false;
        }
        else
        {
            if (now - lastPidCheck < 1)
            {
                return DotlockVerdict.Held;
            }

            // Re-read: the lock may have been recreated with another pid between two looks that saw the same times.
            pid = ReadLocalPid(lockPath, host);
            lastPidCheck = now;
            havePid = pid > 0;
        }

        if (havePid)
        {
            if (!Libc.ProcessIsGone(pid))
            {
                if (pid != LocalHost.Pid || Dotlock.IsHeldHere(lockSignature.Device, lockSignature.Inode))
                {
                    return DotlockVerdict.Held;
                }

                // Our pid but none of our threads holds it: left by an earlier process that had our pid.
            }

            // The holder is dead: override unless the lock was replaced meanwhile.
            if (!Look(now, out changed))
            {
                return DotlockVerdict.Gone;
            }

            return changed ? DotlockVerdict.Gone : Override();
        }

        if (staleSeconds <= 0)
        {
            return DotlockVerdict.Held;
        }

        if (now > lastChange + staleSeconds)
        {
            // Possibly stale: the protected file must not have changed either.
            if (Stat(path, follow: true, out var st))
            {
                Update(ref fileSignature, st, now);
            }
        }

        return now > lastChange + staleSeconds ? Override() : DotlockVerdict.Held;
    }

    /// <summary>
    /// A single look at the dotlock of <paramref name="path"/> for FindHolders: its holder, age and whether it is stale
    /// now; null when there is none. <paramref name="lockPath"/> is the lock when it is not <c>path.lock</c> (a
    /// <c>.newlock</c>, or a suffix-less lock that is its own protected file).
    /// </summary>
    public static LockHolder? Describe(string path, string host, TimeSpan staleTimeout, string? lockPath = null)
    {
        lockPath ??= Dotlock.LockPathOf(path);
        var inspector = new DotlockInspector(path, host, staleTimeout, lockPath);
        double now = Now();
        if (!inspector.Look(now, out _))
        {
            return null;
        }

        (int? pid, string? lockHost) = ReadContent(lockPath);
        bool local = lockHost != null && string.Equals(lockHost, host, StringComparison.Ordinal);
        bool old = inspector.lockSignature.MTime < now - PidCheckSeconds;
        bool stale;
        if (local && pid is int p && p > 0)
        {
            stale = old && Libc.ProcessIsGone(p);
        }
        else
        {
            if (Stat(path, follow: true, out var st))
            {
                Update(ref inspector.fileSignature, st, now, ref inspector.lastChange);
            }

            stale = staleTimeout > TimeSpan.Zero && now > inspector.lastChange + staleTimeout.TotalSeconds;
        }

        var age = TimeSpan.FromSeconds(Math.Max(0, now - inspector.lastChange));
        return new LockHolder(LockMethod.Dotlock, LockMode.Exclusive, lockPath, pid, lockHost, age, stale);
    }

    /// <summary>The device and inode of the lock as last seen.</summary>
    public (ulong Device, ulong Inode) Identity => (lockSignature.Device, lockSignature.Inode);

    /// <summary>
    /// <c>pid:host</c> of a lock file, read as Dovecot's read_local_pid reads it: both null unless the file holds a
    /// positive pid, a colon and a host. An empty file (a dotlock caught between its creation and the write of its
    /// content, or whose write failed) or any other content names no process, and Dovecot judges it by its age alone.
    /// </summary>
    public static (int? Pid, string? Host) ReadContent(string lockPath)
    {
        string? text = ReadText(lockPath);
        int colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text == null || colon < 0 || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
        {
            return (null, null);
        }

        return (pid, text[(colon + 1)..]);
    }

    private static int ReadLocalPid(string lockPath, string host)
    {
        var (pid, lockHost) = ReadContent(lockPath);
        return pid is int p && string.Equals(lockHost, host, StringComparison.Ordinal) ? p : -1;
    }

    private static unsafe string? ReadText(string lockPath)
    {
        int fd = Libc.open(lockPath, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            byte* buffer = stackalloc byte[256];
            nint n;
            do
            {
                n = Libc.pread(fd, buffer, 255, 0);
            }
            while (n < 0 && Libc.LastErrno == Libc.EINTR);
            if (n <= 0)
            {
                return null;
            }

            int length = (int)n;
            if (buffer[length - 1] == (byte)'\n')
            {
                length--;
            }

            return Encoding.UTF8.GetString(buffer, length);
        }
        finally
        {
            _ = Libc.close(fd);
        }
    }

    private DotlockVerdict Override()
    {
        if (Libc.unlink(lockPath) < 0 && Libc.LastErrno != Libc.ENOENT)
        {
            throw Libc.Failure("unlink", lockPath, Libc.LastErrno);
        }

        lockSignature = default;
        pidRead = false;
        return DotlockVerdict.Overridden;
    }

    private bool Look(double now, out bool changed)
    {
        changed = false;
        if (!Stat(lockPath, follow: false, out var st))
        {
            return false;
        }

        changed = Update(ref lockSignature, st, now, ref lastChange);
        return true;
    }

    private bool Update(ref Signature seen, in Libc.stat_t st, double now) => Update(ref seen, st, now, ref lastChange);

    /// <summary>Dovecot's update_change_info: a change moves lastChange to now; the first look takes the file's own time.</summary>
    private static bool Update(ref Signature seen, in Libc.stat_t st, double now, ref double lastChange)
    {
        var current = new Signature(st);
        if (seen.Equals(current))
        {
            return false;
        }

        double changeTime = now;
        if (!seen.Known)
        {
            changeTime = current.MTime <= now && current.MTime > current.CTime ? current.MTime : current.CTime;
        }

        if (lastChange < changeTime)
        {
            lastChange = changeTime;
        }

        seen = current;
        return true;
    }

    private static bool Stat(string file, bool follow, out Libc.stat_t st)
    {
        int result;
        do
        {
            result = follow ? Libc.stat(file, out st) : Libc.lstat(file, out st);
        }
        while (result < 0 && Libc.LastErrno == Libc.EINTR);
        if (result == 0)
        {
            return true;
        }

        int errno = Libc.LastErrno;
        if (errno == Libc.ENOENT)
        {
            return false;
        }

        throw Libc.Failure(follow ? "stat" : "lstat", file, errno);
    }

    private readonly record struct Signature(bool Known, ulong Device, ulong Inode, long Size, double MTime, double CTime)
    {
        public Signature(in Libc.stat_t st)
            : this(true, st.st_dev, st.st_ino, st.st_size, st.st_mtim.UnixMilliseconds / 1000.0, st.st_ctim.UnixMilliseconds / 1000.0)
        {
        }
    }
}
