using System;
using System.Threading;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>
/// Waits for an fcntl or flock lock the way Dovecot waits: blocked in the kernel (F_OFD_SETLKW, flock without LOCK_NB),
/// so the kernel grants it at release, in its own order, to us as to any Dovecot waiter; polling with back-off starved
/// behind Dovecot's blocked waiters (issue 15: median 559 ms, worst 5 s where they waited 17 ms).
/// <para>
/// A call blocked in the kernel does not see .NET cancellation, so it runs on a worker thread of its own, and the
/// timeout or the cancellation interrupts it with a signal sent to that one thread (pthread_kill), whose handler is
/// installed without SA_RESTART so the call returns EINTR (<see cref="Libc.ClaimInterruptSignal"/>). Why this way:
/// the signal is a real-time one neither the runtime (it takes SIGRTMIN) nor PowerShell handles, it is sent only to
/// our own worker, and its handler runs no managed code; a lock-waiter process would cost a fork per wait and hand the
/// lock over through a shared open file; closing the descriptor does not wake a blocked waiter. The worker has always
/// ended when a wait returns, so a timeout or a cancel leaves no thread, and a lock granted just as the wait ended is
/// released at once, so it leaves no lock.
/// </para>
/// </summary>
internal static class KernelLockWait
{
    /// <summary>The name of the worker threads (a task's comm in /proc shows its first 15 characters).</summary>
    internal const string ThreadName = "MailStorageLockWait";

    private static readonly Lazy<int> InterruptSignal = new(ClaimSignal, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether waits can block in the kernel (a signal to interrupt them could be claimed).</summary>
    public static bool Available => InterruptSignal.Value != 0;

    /// <summary>Tests only: runs on the waiting thread once the wait has timed out or been cancelled, before the interrupt.</summary>
    [ThreadStatic]
    internal static Action? BeforeInterrupt;

    /// <summary>Tests only: when set, every worker thread started by the waiting thread is added to it.</summary>
    [ThreadStatic]
    internal static System.Collections.Generic.List<Thread>? StartedWorkers;

    /// <summary>
    /// Blocks until the lock of <paramref name="type"/> on <paramref name="fd"/> is granted (true) or
    /// <paramref name="timeout"/> passes (false); cancellation throws <see cref="OperationCanceledException"/>. A failed
    /// lock call (ENOLCK, ...) is an exception naming <paramref name="path"/>.
    /// </summary>
    public static bool Wait(int fd, Libc.LockKind kind, short type, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout != Timeout.InfiniteTimeSpan && timeout.TotalMilliseconds > int.MaxValue)
        {
            timeout = Timeout.InfiniteTimeSpan;
        }

        var waiter = new Waiter(fd, kind, type, InterruptSignal.Value);
        var thread = new Thread(waiter.Run, 256 * 1024) { IsBackground = true, Name = ThreadName };
        thread.UnsafeStart();
        StartedWorkers?.Add(thread);
        bool finished;
        bool cancelled = false;
        try
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            finished = waiter.Done.Wait(timeout, cancellationToken);

            // The event counts whole milliseconds and may end a little early: never give up before the deadline.
            TimeSpan left;
            while (!finished && timeout != Timeout.InfiniteTimeSpan && (left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(start)) > TimeSpan.Zero)
            {
                finished = waiter.Done.Wait((int)Math.Ceiling(left.TotalMilliseconds), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            finished = false;
            cancelled = true;
        }

        if (!finished)
        {
            BeforeInterrupt?.Invoke();
            waiter.Interrupt();
        }

        thread.Join();
        waiter.Done.Dispose();
        if (waiter.Errno != 0)
        {
            throw Libc.Failure(kind == Libc.LockKind.Flock ? "flock" : "fcntl(F_OFD_SETLKW)", path, waiter.Errno);
        }

        if (waiter.Granted && !finished)
        {
            // Granted between the deadline (or the cancel) and the interrupt: nobody will use it.
            _ = Libc.TryLock(fd, kind, Libc.F_UNLCK, path);
            LockWait.NotifyReleased();
        }

        if (cancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return finished && waiter.Granted;
    }

    // A C library without glibc's names (musl, say) leaves the waits polling, as they did before.
    private static int ClaimSignal()
    {
        try
        {
            return Libc.ClaimInterruptSignal();
        }
        catch (DllNotFoundException)
        {
            return 0;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    private sealed class Waiter
    {
        private readonly int fd;
        private readonly Libc.LockKind kind;
        private readonly short type;
        private readonly int signal;
        private nint thread;
        private int stop;

        public Waiter(int fd, Libc.LockKind kind, short type, int signal)
        {
            this.fd = fd;
            this.kind = kind;
            this.type = type;
            this.signal = signal;
        }

        public ManualResetEventSlim Done { get; } = new(false, 0);

        public bool Granted { get; private set; }

        public int Errno { get; private set; }

        public void Run()
        {
            Libc.UnblockSignal(signal);

            // Published before stop is read (both full fences): an Interrupt that finds no thread yet is seen here.
            Interlocked.Exchange(ref thread, (nint)Libc.pthread_self());
            while (Volatile.Read(ref stop) == 0)
            {
                if (Libc.LockBlocking(fd, kind, type) == 0)
                {
                    Granted = true;
                    break;
                }

                int errno = Libc.LastErrno;
                if (errno != Libc.EINTR)
                {
                    Errno = errno;
                    break;
                }
            }

            Done.Set();
        }

        /// <summary>
        /// Ends the wait: signals the worker until it has left the lock call. Again every millisecond, because a
        /// signal that lands between its check of stop and the call itself is spent before the call blocks.
        /// </summary>
        public void Interrupt()
        {
            Interlocked.Exchange(ref stop, 1);
            while (!Done.IsSet)
            {
                nint target = Volatile.Read(ref thread);
                if (target != 0)
                {
                    _ = Libc.pthread_kill((nuint)target, signal);
                }

                Done.Wait(1);
            }
        }
    }
}
