using System;
using System.IO;
using System.Threading;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>
/// What fcntl and flock locks share: a lock on an open descriptor of the file itself, granted by the kernel, dropped by
/// the kernel when the descriptor is closed (so a holder that dies frees it at once).
/// </summary>
internal abstract class DescriptorLock : IFileLock
{
    private const int Held = 0;
    private const int Released = 1;
    private readonly LockDescriptor descriptor;
    private int state;

    protected DescriptorLock(LockDescriptor descriptor, LockMode mode)
    {
        this.descriptor = descriptor;
        Mode = mode;
        AcquiredAt = DateTimeOffset.UtcNow;
    }

    public string Path => descriptor.Path;

    public string LockPath => descriptor.Path;

    public abstract LockMethod Method { get; }

    public LockMode Mode { get; }

    public DateTimeOffset AcquiredAt { get; }

    public bool IsHeld => Volatile.Read(ref state) == Held;

    public bool IsLost => false;

    /// <summary>The kind of lock call, as <see cref="Libc.TryLock"/> takes it.</summary>
    protected abstract Libc.LockKind Kind { get; }

    public bool Release()
    {
        if (Interlocked.Exchange(ref state, Released) == Released)
        {
            return true;
        }

        try
        {
            _ = Libc.TryLock(descriptor.Fd, Kind, Libc.F_UNLCK, descriptor.Path);
            DescriptorPool.Return(descriptor);
        }
        catch (IOException)
        {
            // Closing the descriptor drops the lock anyway.
            descriptor.Close();
        }

        LockWait.NotifyReleased();
        return true;
    }

    public void Dispose() => Release();

    public override string ToString() => Method + " " + Mode + " lock on " + Path + (IsHeld ? " (held)" : " (released)");

    /// <summary>
    /// One non-blocking attempt: the lock and the descriptor it was taken on, or null when another holder has it.
    /// With <see cref="LockOptions.CheckReplaced"/> the path must still name the locked file afterwards; when it was
    /// replaced meanwhile, the new file is locked instead.
    /// </summary>
    internal static LockDescriptor? TryAcquire(string path, Libc.LockKind kind, LockMode mode, bool checkReplaced) =>
        LockUnlessReplaced(
            path,
            kind,
            mode,
            checkReplaced,
            (Kind: kind, Type: LockType(mode), Path: path),
            static (descriptor, s) => Libc.TryLock(descriptor.Fd, s.Kind, s.Type, s.Path));

    /// <summary>
    /// Waits blocked in the kernel (<see cref="KernelLockWait"/>) up to <paramref name="timeout"/>: the lock and its
    /// descriptor, or null when the time ran out; cancellation throws, holding nothing. A file replaced while waiting
    /// is waited for again, in the time left.
    /// </summary>
    internal static LockDescriptor? Acquire(string path, Libc.LockKind kind, LockMode mode, bool checkReplaced, TimeSpan timeout, CancellationToken cancellationToken) =>
        LockUnlessReplaced(
            path,
            kind,
            mode,
            checkReplaced,
            (Kind: kind, Type: LockType(mode), Path: path, Timeout: timeout, Start: System.Diagnostics.Stopwatch.GetTimestamp(), Cancellation: cancellationToken),
            static (descriptor, s) => KernelLockWait.Wait(descriptor.Fd, s.Kind, s.Type, s.Path, TimeLeft(s.Timeout, s.Start), s.Cancellation));

    private static short LockType(LockMode mode) => mode == LockMode.Shared ? Libc.F_RDLCK : Libc.F_WRLCK;

    private static TimeSpan TimeLeft(TimeSpan timeout, long start)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        TimeSpan left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(start);
        return left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    /// <summary>
    /// Takes the lock with <paramref name="take"/> on a descriptor of <paramref name="path"/>: the descriptor, or null
    /// when it was not granted. With <paramref name="checkReplaced"/> the path must still name the locked file
    /// afterwards; when it was replaced meanwhile (rotated, purged, recreated), that lock is dropped and the new file is
    /// locked instead, again at most 10 times. The callback is static and its state a value, so a lock costs no allocation here.
    /// </summary>
    private static LockDescriptor? LockUnlessReplaced<TState>(string path, Libc.LockKind kind, LockMode mode, bool checkReplaced, TState state, Func<LockDescriptor, TState, bool> take)
    {
        bool needWrite = kind != Libc.LockKind.Flock && mode == LockMode.Exclusive;
        for (int round = 0; ; round++)
        {
            var descriptor = DescriptorPool.Rent(path, needWrite);
            bool granted;
            try
            {
                granted = take(descriptor, state);
            }
            catch (OperationCanceledException)
            {
                // A cancelled wait holds nothing: the descriptor can serve the next lock.
                DescriptorPool.Return(descriptor);
                throw;
            }
            catch
            {
                descriptor.Close();
                throw;
            }

            if (!granted)
            {
                DescriptorPool.Return(descriptor);
                return null;
            }

            if (!checkReplaced || StillNames(path, descriptor))
            {
                return descriptor;
            }

            // Replaced between open and lock: this descriptor locks a file nobody uses.
            _ = Libc.TryLock(descriptor.Fd, kind, Libc.F_UNLCK, path);
            descriptor.Close();
            if (round == 10)
            {
                throw new IOException("Could not lock " + path + ": it was replaced again every time it was locked (10 times).");
            }
        }
    }

    private static bool StillNames(string path, LockDescriptor descriptor) =>
        Libc.NamesFile(descriptor.CPath, path, descriptor.Device, descriptor.Inode);
}

/// <summary>A whole-file fcntl lock taken as an OFD lock (F_OFD_SETLK): a read lock when Shared, else a write lock.</summary>
internal sealed class FcntlLock : DescriptorLock
{
    private FcntlLock(LockDescriptor descriptor, LockMode mode)
        : base(descriptor, mode)
    {
    }

    public override LockMethod Method => LockMethod.Fcntl;

    protected override Libc.LockKind Kind => Libc.LockKind.Ofd;

    /// <summary>One non-blocking attempt; null when another holder (classic, OFD, any process) has a conflicting lock.</summary>
    public static FcntlLock? TryAcquire(string path, LockMode mode, bool checkReplaced)
    {
        var descriptor = TryAcquire(path, Libc.LockKind.Ofd, mode, checkReplaced);
        return descriptor == null ? null : new FcntlLock(descriptor, mode);
    }

    /// <summary>Waits blocked in F_OFD_SETLKW up to <paramref name="timeout"/>; null when it ran out.</summary>
    public static FcntlLock? Acquire(string path, LockMode mode, bool checkReplaced, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var descriptor = Acquire(path, Libc.LockKind.Ofd, mode, checkReplaced, timeout, cancellationToken);
        return descriptor == null ? null : new FcntlLock(descriptor, mode);
    }
}

/// <summary>A flock(2) lock: LOCK_SH when Shared, else LOCK_EX; with LOCK_NB for an attempt, without it for a wait.</summary>
internal sealed class FlockLock : DescriptorLock
{
    private FlockLock(LockDescriptor descriptor, LockMode mode)
        : base(descriptor, mode)
    {
    }

    public override LockMethod Method => LockMethod.Flock;

    protected override Libc.LockKind Kind => Libc.LockKind.Flock;

    /// <summary>One non-blocking attempt; null when another open file holds a conflicting flock.</summary>
    public static FlockLock? TryAcquire(string path, LockMode mode, bool checkReplaced)
    {
        var descriptor = TryAcquire(path, Libc.LockKind.Flock, mode, checkReplaced);
        return descriptor == null ? null : new FlockLock(descriptor, mode);
    }

    /// <summary>Waits blocked in flock without LOCK_NB up to <paramref name="timeout"/>; null when it ran out.</summary>
    public static FlockLock? Acquire(string path, LockMode mode, bool checkReplaced, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var descriptor = Acquire(path, Libc.LockKind.Flock, mode, checkReplaced, timeout, cancellationToken);
        return descriptor == null ? null : new FlockLock(descriptor, mode);
    }
}
