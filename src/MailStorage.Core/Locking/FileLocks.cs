using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>
/// Locks files the way Dovecot does (fcntl, flock, dotlock), and finds who holds them. A busy lock is an outcome, not
/// an exception. fcntl and flock waits block in the kernel as Dovecot's do (<see cref="KernelLockWait"/>; on FUSE they
/// poll, 1 ms growing 1.5x to 100 ms); dotlock waits are woken by inotify when the lock is removed on a local
/// filesystem (<see cref="DotlockWatch"/>) and otherwise retry with Dovecot's back-off (0.1-0.2 s growing to 3 s). Every
/// wait honours its timeout and its cancellation token, and wakes at once when another thread of this process
/// releases a lock.
/// </summary>
public static class FileLocks
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DotlockMaxDelay = TimeSpan.FromSeconds(3);

    /// <summary>The host name this process writes into dotlocks (<c>DOVECOT_HOSTNAME</c>, else gethostname()).</summary>
    public static string LocalHostname => LocalHost.Name;

    /// <summary>
    /// One attempt without waiting: Acquired with the lock, or Busy with the holder when it can be found. A dotlock
    /// that is stale by Dovecot's rules is overridden (and then this waits Dovecot's 0.1-0.2 s once).
    /// </summary>
    public static LockAttempt TryLock(string path, LockOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Method != LockMethod.Dotlock)
        {
            IFileLock? held = TryOnce(path, options);
            return held != null
                ? new LockAttempt(LockOutcome.Acquired, held, null, TimeSpan.Zero, path, options.Method, TimeSpan.Zero)
                : new LockAttempt(LockOutcome.Busy, null, FindHolder(path, options), TimeSpan.Zero, path, options.Method, TimeSpan.Zero);
        }

        return LockDotlock(path, options, TimeSpan.Zero, wait: false, CancellationToken.None);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) for the lock: Acquired,
    /// or TimedOut with the holder. Cancellation throws <see cref="OperationCanceledException"/>, holding nothing.
    /// </summary>
    public static LockAttempt Lock(string path, LockOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive, zero, or infinite.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (options.Method == LockMethod.Dotlock)
        {
            return LockDotlock(path, options, timeout, wait: true, cancellationToken);
        }

        IFileLock? held = TryOnce(path, options);
        if (held != null)
        {
            return new LockAttempt(LockOutcome.Acquired, held, null, TimeSpan.Zero, path, options.Method, timeout);
        }

        if (timeout == TimeSpan.Zero)
        {
            return new LockAttempt(LockOutcome.TimedOut, null, FindHolder(path, options), TimeSpan.Zero, path, options.Method, timeout);
        }

        if (WaitsInKernel(path))
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            held = options.Method == LockMethod.Fcntl
                ? FcntlLock.Acquire(path, options.Mode, options.CheckReplaced, timeout, cancellationToken)
                : FlockLock.Acquire(path, options.Mode, options.CheckReplaced, timeout, cancellationToken);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
            return held != null
                ? new LockAttempt(LockOutcome.Acquired, held, null, elapsed, path, options.Method, timeout)
                : new LockAttempt(LockOutcome.TimedOut, null, FindHolder(path, options), elapsed, path, options.Method, timeout);
        }

        using var wait = new LockWait(timeout, FirstDelay, MaxDelay, cancellationToken);
        while (!wait.Expired)
        {
            wait.Sleep();
            wait.BeforeAttempt();
            held = TryOnce(path, options);
            if (held != null)
            {
                return new LockAttempt(LockOutcome.Acquired, held, null, wait.Elapsed, path, options.Method, timeout);
            }
        }

        var waited = wait.Elapsed;
        return new LockAttempt(LockOutcome.TimedOut, null, FindHolder(path, options), waited, path, options.Method, timeout);
    }

    /// <summary>
    /// Everyone holding a lock on <paramref name="path"/> now, by every method: fcntl (classic and OFD) and flock
    /// holders from /proc/locks matched by device and inode (OFD holders through /proc/*/fdinfo, which names their pid),
    /// plus what F_OFD_GETLK reports (a holder through another client of a network filesystem); and the dotlock
    /// <c>path.lock</c> with pid, host, age and staleness (stale timeout by file: uidlist 120 s, cache 300 s, else 180 s).
    /// </summary>
    public static IReadOnlyList<LockHolder> FindHolders(string path) => FindHolders(path, StaleTimeoutFor(path));

    /// <summary><see cref="FindHolders(string)"/> judging dotlocks by <paramref name="dotlockStaleTimeout"/>.</summary>
    public static IReadOnlyList<LockHolder> FindHolders(string path, TimeSpan dotlockStaleTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var holders = new List<LockHolder>();
        AddKernelHolders(path, null, holders, null);
        if (DotlockInspector.Describe(path, LocalHost.Name, dotlockStaleTimeout) is { } dotlock)
        {
            holders.Add(dotlock);
        }

        return holders;
    }

    /// <summary>
    /// Removes the Dovecot lock file <paramref name="lockPath"/> (one of <see cref="DovecotLockFiles.All"/>) only if it
    /// is stale by Dovecot's rules right now, judged afresh: true when it was removed. <paramref name="holder"/> is what
    /// was found; null when there is no lock there (no file, or a symbolic link or folder with the name, which is never
    /// a lock and never removed). A live lock, or a lock file held by fcntl or flock, is never removed. Throws
    /// <see cref="ArgumentException"/> for a name Dovecot does not give its locks.
    /// </summary>
    public static bool TryRemoveStaleDotlock(string lockPath, TimeSpan? staleTimeout, out LockHolder? holder)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockPath);
        holder = null;
        var state = DovecotLockFiles.Inspect(lockPath, out var lockFile);
        if (state == DovecotLockFileState.NotDovecotName)
        {
            throw new ArgumentException(DovecotLockFiles.Explain(lockPath, state), nameof(lockPath));
        }

        if (state != DovecotLockFileState.LockFile || Libc.lstat(lockPath, out var before) < 0 || !Libc.IsRegular(before.st_mode))
        {
            return false;
        }

        var holders = new List<LockHolder>();
        IndexLockScanner.AddLockFileHolders(lockPath, lockFile!, staleTimeout, holders, null);
        if (holders.Count == 0)
        {
            return false;
        }

        // A kernel lock on a lock file is its holder's until that process ends; only a dotlock can be stale.
        holder = holders[0];
        if (holder.Method != LockMethod.Dotlock || !holder.IsStale)
        {
            return false;
        }

        // Only the file that was judged: if it was replaced meanwhile, it is someone's fresh lock.
        if (Libc.lstat(lockPath, out var now) < 0 || now.st_ino != before.st_ino || now.st_dev != before.st_dev ||
            now.st_mtim.UnixMilliseconds != before.st_mtim.UnixMilliseconds || !Libc.IsRegular(now.st_mode))
        {
            return false;
        }

        if (Libc.unlink(lockPath) < 0)
        {
            int errno = Libc.LastErrno;
            return errno == Libc.ENOENT ? false : throw Libc.Failure("unlink", lockPath, errno);
        }

        return true;
    }

    /// <summary>
    /// Dovecot's stale timeout for the dotlock of a file (<see cref="DovecotLockFiles"/>: uidlist 120 s, cache 300 s,
    /// subscriptions 30 s, ...); 180 s, the transaction log's, for a file Dovecot takes no dotlock on.
    /// </summary>
    public static TimeSpan StaleTimeoutFor(string path) =>
        DovecotLockFiles.StaleTimeoutOfDotlockOn(System.IO.Path.GetFileName(path)) ?? LockOptions.TransactionLogStaleTimeout;

    /// <summary>
    /// Kernel lock holders of <paramref name="path"/> (fcntl and flock), added to <paramref name="into"/>; only those of
    /// <paramref name="method"/> when given. <paramref name="procLocks"/> is a /proc/locks read to share (null: read it).
    /// </summary>
    internal static void AddKernelHolders(string path, LockMethod? method, List<LockHolder> into, List<ProcLock>? procLocks)
    {
        if (Libc.stat(path, out var st) < 0)
        {
            int errno = Libc.LastErrno;
            if (errno == Libc.ENOENT || errno == Libc.ENOTDIR)
            {
                return;
            }

            throw Libc.Failure("stat", path, errno);
        }

        int before = into.Count;
        List<(int Pid, bool Write)>? ofdOwners = null;
        var table = procLocks ?? ProcLocks.Read();
        int unnamedOfd = 0;
        foreach (var entry in table)
        {
            if (entry.Kind == "OFDLCK" && entry.Pid <= 0 && entry.IsOn(st.st_dev, st.st_ino))
            {
                unnamedOfd++;
            }
        }

        foreach (var entry in table)
        {
            if (!entry.IsOn(st.st_dev, st.st_ino))
            {
                continue;
            }

            LockMethod entryMethod = entry.Kind == "FLOCK" ? LockMethod.Flock : LockMethod.Fcntl;
            if (method != null && method != entryMethod)
            {
                continue;
            }

            var mode = entry.Write ? LockMode.Exclusive : LockMode.Shared;
            if (entry.Kind == "OFDLCK" && entry.Pid <= 0)
            {
                // One lookup names every OFD holder of this file.
                if (ofdOwners == null)
                {
                    ofdOwners = ProcLocks.FindOfdOwners(st.st_dev, st.st_ino, unnamedOfd);
                    foreach (var owner in ofdOwners)
                    {
                        into.Add(new LockHolder(LockMethod.Fcntl, owner.Write ? LockMode.Exclusive : LockMode.Shared, path, owner.Pid, kind: "OFDLCK"));
                    }

                    if (ofdOwners.Count == 0)
                    {
                        into.Add(new LockHolder(LockMethod.Fcntl, mode, path, null, kind: "OFDLCK"));
                    }
                }

                continue;
            }

            into.Add(new LockHolder(entryMethod, mode, path, entry.Pid > 0 ? entry.Pid : null, kind: entry.Kind));
        }

        if (method is null or LockMethod.Fcntl)
        {
            AddGetlkHolder(path, into, before);
        }
    }

    /// <summary>
    /// Whether a wait for a lock on <paramref name="path"/> blocks in the kernel (see <see cref="KernelLockWait"/>); not
    /// on FUSE (GlusterFS), where an interrupted lock request goes on until the daemon answers it, so a timeout could
    /// not be kept; there the wait polls.
    /// </summary>
    private static bool WaitsInKernel(string path)
    {
        if (!KernelLockWait.Available)
        {
            return false;
        }

        try
        {
            return Libc.statfs(path).f_type != FileSystems.FileSystemMagic.Fuse;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IFileLock? TryOnce(string path, LockOptions options) => options.Method switch
    {
        LockMethod.Fcntl => FcntlLock.TryAcquire(path, options.Mode, options.CheckReplaced),
        LockMethod.Flock => FlockLock.TryAcquire(path, options.Mode, options.CheckReplaced),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Method, "Not a descriptor lock."),
    };

    /// <summary>The holder that made an attempt fail (the first one found), or null.</summary>
    private static LockHolder? FindHolder(string path, LockOptions options)
    {
        try
        {
            if (options.Method == LockMethod.Dotlock)
            {
                return DotlockInspector.Describe(path, options.Hostname, options.DotlockStaleTimeout);
            }

            var holders = new List<LockHolder>();
            AddKernelHolders(path, options.Method, holders, null);
            LockHolder? best = null;
            foreach (var holder in holders)
            {
                // A writer is what blocks; prefer one with a pid.
                if (best == null || (holder.Mode == LockMode.Exclusive && best.Mode != LockMode.Exclusive) || (best.Pid == null && holder.Pid != null && holder.Mode == best.Mode))
                {
                    best = holder;
                }
            }

            return best;
        }
        catch (IOException)
        {
            return null; // the holder is a courtesy; the outcome stands
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// F_OFD_GETLK: the first lock that would conflict with a write lock. It also sees holders the local /proc/locks does
    /// not list (another client of NFS or GlusterFS); those are added when nothing already found names the same pid.
    /// </summary>
    private static void AddGetlkHolder(string path, List<LockHolder> into, int firstOfThisFile)
    {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return;
        }

        try
        {
            var query = Libc.flock_t.WholeFile(Libc.F_WRLCK);
            if (Libc.fcntl(fd, Libc.F_OFD_GETLK, ref query) < 0 || query.l_type == Libc.F_UNLCK)
            {
                return;
            }

            int? pid = query.l_pid > 0 ? query.l_pid : null;
            for (int i = firstOfThisFile; i < into.Count; i++)
            {
                if (into[i].Method == LockMethod.Fcntl && (pid == null || into[i].Pid == pid))
                {
                    return;
                }
            }

            var mode = query.l_type == Libc.F_WRLCK ? LockMode.Exclusive : LockMode.Shared;
            into.Add(new LockHolder(LockMethod.Fcntl, mode, path, pid, kind: pid != null ? "POSIX" : "OFDLCK"));
        }
        finally
        {
            _ = Libc.close(fd);
        }
    }

    private static LockAttempt LockDotlock(string path, LockOptions options, TimeSpan timeout, bool wait, CancellationToken cancellationToken)
    {
        DotlockCreator? creator = options.DotlockUseExcl ? null : new DotlockCreator();
        try
        {
            var held = Dotlock.TryCreate(path, options, creator);
            if (held != null)
            {
                return new LockAttempt(LockOutcome.Acquired, held, null, TimeSpan.Zero, path, LockMethod.Dotlock, timeout);
            }

            // Armed before the first look at the lock, so a removal after that look is never missed.
            using var watch = wait ? DotlockWatch.TryCreate(Dotlock.LockPathOf(path)) : null;
            var inspector = new DotlockInspector(path, options.Hostname, options.DotlockStaleTimeout);
            using var waiter = new LockWait(wait ? timeout : TimeSpan.Zero, RandomPause(), DotlockMaxDelay, cancellationToken);
            int attemptsAfterDeadline = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (waiter.Expired && ++attemptsAfterDeadline > (wait ? 2 : 3))
                {
                    // A lock that keeps coming and going ends a try, or a wait whose time is up, all the same.
                    return GaveUp(path, options, timeout, wait, waiter.Elapsed);
                }

                waiter.BeforeAttempt();
                switch (inspector.Check())
                {
                    case DotlockVerdict.Overridden:
                        // Dovecot pauses after removing a stale lock so that another process overriding it at the same
                        // time cannot remove the lock we are about to create.
                        PauseAfterOverride(cancellationToken);
                        break;
                    case DotlockVerdict.Held:
                        if (waiter.Expired)
                        {
                            if (!wait || attemptsAfterDeadline > 1)
                            {
                                return GaveUp(path, options, timeout, wait, waiter.Elapsed);
                            }
                        }

                        if (inspector.Changed)
                        {
                            waiter.ResetDelay(RandomPause());
                        }

                        // Look again no later than when the lock becomes old enough for its pid to be read, or
                        // for it to be stale.
                        waiter.Sleep(inspector.NextVerdictChange() is double at ? TimeSpan.FromSeconds(Math.Max(0.01, at - DotlockInspector.Now() + 0.01)) : null, watch);
                        break;
                }

                held = Dotlock.TryCreate(path, options, creator);
                if (held != null)
                {
                    return new LockAttempt(LockOutcome.Acquired, held, null, waiter.Elapsed, path, LockMethod.Dotlock, timeout);
                }
            }
        }
        finally
        {
            creator?.Dispose();
        }
    }

    private static LockAttempt GaveUp(string path, LockOptions options, TimeSpan timeout, bool wait, TimeSpan waited) =>
        new(wait ? LockOutcome.TimedOut : LockOutcome.Busy, null, FindHolder(path, options), waited, path, LockMethod.Dotlock, timeout);

    private static TimeSpan RandomPause() => TimeSpan.FromMilliseconds(100 + Random.Shared.Next(100));

    private static void PauseAfterOverride(CancellationToken cancellationToken)
    {
        if (cancellationToken.WaitHandle.WaitOne(RandomPause()))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
