using System;
using System.Diagnostics;
using System.Threading;

namespace MailStorage.Core.Locking;

/// <summary>
/// Waiting between lock attempts: bounded sleeps that grow by 1.5x, never past the deadline, woken early by
/// cancellation and by any lock this process releases (so a waiter thread gets a lock released by another thread of
/// the same process at once, without polling). Locks of other processes are polled.
/// </summary>
internal sealed class LockWait : IDisposable
{
    private static readonly object Gate = new();
    private static int waiters;
    private static long releases;

    private readonly long start = Stopwatch.GetTimestamp();
    private readonly TimeSpan timeout;
    private readonly TimeSpan maxDelay;
    private readonly CancellationToken cancellationToken;
    private readonly CancellationTokenRegistration registration;
    private TimeSpan delay;
    private long generation;

    /// <summary>Starts waiting: the first sleep is <paramref name="firstDelay"/>, sleeps grow to <paramref name="maxDelay"/>.</summary>
    public LockWait(TimeSpan timeout, TimeSpan firstDelay, TimeSpan maxDelay, CancellationToken cancellationToken)
    {
        this.timeout = timeout;
        this.maxDelay = maxDelay;
        this.cancellationToken = cancellationToken;
        delay = firstDelay;
        Interlocked.Increment(ref waiters);
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(static _ => WakeAll(), null);
        }
    }

    /// <summary>How long the wait has taken so far.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(start);

    /// <summary>Whether the timeout has passed (never for an infinite timeout).</summary>
    public bool Expired => timeout != Timeout.InfiniteTimeSpan && Elapsed >= timeout;

    /// <summary>Tells waiters of this process that a lock was released. Costs one read when nobody waits.</summary>
    public static void NotifyReleased()
    {
        if (Volatile.Read(ref waiters) == 0)
        {
            return;
        }

        WakeAll();
    }

    /// <summary>Call just before an attempt: a release after this point cuts the following sleep short.</summary>
    public void BeforeAttempt() => generation = Interlocked.Read(ref releases);

    /// <summary>
    /// Sleeps the current delay (capped at the time left, and at <paramref name="cap"/> when given) unless a release
    /// happened since <see cref="BeforeAttempt"/>; then grows the delay. Throws when cancelled. With
    /// <paramref name="watch"/>, the sleep ends as soon as the dotlock is removed, by any process.
    /// </summary>
    public void Sleep(TimeSpan? cap = null, DotlockWatch? watch = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TimeSpan sleep = delay;
        if (cap is TimeSpan c && c < sleep)
        {
            sleep = c;
        }

        if (timeout != Timeout.InfiniteTimeSpan)
        {
            TimeSpan left = timeout - Elapsed;
            if (left < sleep)
            {
                sleep = left;
            }
        }

        if (sleep > TimeSpan.Zero && watch != null)
        {
            _ = watch.Wait(sleep, cancellationToken);
        }
        else if (sleep > TimeSpan.Zero)
        {
            lock (Gate)
            {
                if (generation == releases && !cancellationToken.IsCancellationRequested)
                {
                    Monitor.Wait(Gate, sleep);
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), maxDelay.Ticks));
    }

    /// <summary>Sets the next delay (a dotlock that changed starts again from the beginning, as Dovecot's does).</summary>
    public void ResetDelay(TimeSpan next) => delay = next;

    /// <summary>Stops waiting.</summary>
    public void Dispose()
    {
        registration.Dispose();
        Interlocked.Decrement(ref waiters);
    }

    private static void WakeAll()
    {
        lock (Gate)
        {
            releases++;
            Monitor.PulseAll(Gate);
        }
    }
}
