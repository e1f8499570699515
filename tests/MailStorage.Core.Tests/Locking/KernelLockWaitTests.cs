using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Locking;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Locking;

/// <summary>
/// fcntl and flock waits blocked in the kernel (issue 15): fair against Dovecot-like blocked writers, and a timeout or
/// a cancel leaves no thread, descriptor or lock behind; dotlock waits woken by inotify.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class KernelLockWaitTests : IDisposable
{
    // A Dovecot-like writer: a classic fcntl lock (lockf is F_SETLKW) or flock, blocking; hold 5 ms, release, pause 1 ms.
    private const string Writer = """
import fcntl, sys, time
f = open(sys.argv[1], 'r+')
take = (lambda: fcntl.flock(f, fcntl.LOCK_EX)) if sys.argv[2] == 'flock' else (lambda: fcntl.lockf(f, fcntl.LOCK_EX))
drop = (lambda: fcntl.flock(f, fcntl.LOCK_UN)) if sys.argv[2] == 'flock' else (lambda: fcntl.lockf(f, fcntl.LOCK_UN))
print('ready', flush=True)
while True:
    take(); time.sleep(0.005); drop(); time.sleep(0.001)
""";

    private readonly LockTestFolder folder = new();

    public static TheoryData<LockMethod> KernelMethods => new() { LockMethod.Fcntl, LockMethod.Flock };

    public void Dispose() => folder.Dispose();

    [Theory]
    [MemberData(nameof(KernelMethods))]
    public void A_wait_gets_its_turn_among_three_blocked_Dovecot_like_writers(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        for (int i = 0; i < 3; i++)
        {
            StartWriter(path, method);
        }

        var options = new LockOptions { Method = method };
        var waits = new List<double>();
        for (int i = 0; i < 10; i++)
        {
            var attempt = FileLocks.Lock(path, options, TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
            waits.Add(attempt.Waited.TotalMilliseconds);
            attempt.Lock!.Release();
            Thread.Sleep(1);
        }

        // The writers take turns of 6 ms; a blocked waiter is woken at a release like them. Polling starved here:
        // median 559 ms and up to 5 s (issue 15). The bounds are the (maximum under 500 ms) with room for a
        // loaded two-core machine in the median.
        waits.Sort();
        Assert.True(waits[^1] < 500, "slowest wait " + waits[^1] + " ms: " + string.Join(", ", waits));
        Assert.True(waits[waits.Count / 2] < 100, "median wait " + waits[waits.Count / 2] + " ms: " + string.Join(", ", waits));
    }

    [Theory]
    [MemberData(nameof(KernelMethods))]
    public void A_thousand_timed_out_and_a_thousand_cancelled_waits_leave_no_thread_descriptor_or_lock(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };
        var holder = FileLocks.TryLock(path, options).Lock!;

        // Warm up; the pool keeps no idle descriptor through the count.
        Assert.Equal(LockOutcome.TimedOut, FileLocks.Lock(path, options, TimeSpan.FromMilliseconds(2), CancellationToken.None).Outcome);
        DescriptorPool.CloseIdle();
        Assert.Equal(1, DescriptorsOf(path)); // the holder's

        var workers = new List<Thread>();
        KernelLockWait.StartedWorkers = workers;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            var attempt = FileLocks.Lock(path, options, TimeSpan.FromMilliseconds(1), CancellationToken.None);
            Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
        }

        for (int i = 0; i < 1000; i++)
        {
            using var cancel = new CancellationTokenSource();
            cancel.CancelAfter(1);
            Assert.ThrowsAny<OperationCanceledException>(() => FileLocks.Lock(path, options, TimeSpan.FromSeconds(30), cancel.Token));
        }

        double perWait = watch.Elapsed.TotalMilliseconds / 2000;
        KernelLockWait.StartedWorkers = null;
        DescriptorPool.CloseIdle();

        // Every wait blocked on a worker of its own, and every worker has ended (other tests' waits may run meanwhile,
        // so the threads are told apart by identity, not by name).
        Assert.Equal(2000, workers.Count);
        Assert.DoesNotContain(workers, worker => worker.IsAlive);
        Assert.Equal(1, DescriptorsOf(path));

        // Only the holder's lock is on the file, and once it is released there is none: no wait kept one.
        var holders = FileLocks.FindHolders(path).Where(h => h.Method == method).ToList();
        Assert.Single(holders);
        holder.Release();
        Assert.DoesNotContain(FileLocks.FindHolders(path), h => h.Method == method);
        Assert.InRange(perWait, 0, 50); // each ended within 50 ms of its 1 ms deadline, on average
    }

    [Theory]
    [MemberData(nameof(KernelMethods))]
    public void A_blocked_wait_ends_within_50_ms_of_its_timeout_or_its_cancel(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };
        using var holder = FileLocks.TryLock(path, options).Lock!;
        var lateAfterTimeout = new List<double>();
        var lateAfterCancel = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var attempt = FileLocks.Lock(path, options, TimeSpan.FromMilliseconds(200), CancellationToken.None);
            Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
            lateAfterTimeout.Add(attempt.Waited.TotalMilliseconds - 200);

            using var cancel = new CancellationTokenSource();
            long cancelledAt = 0;
            var canceller = new Thread(() =>
            {
                Thread.Sleep(200);
                cancelledAt = Stopwatch.GetTimestamp();
                cancel.Cancel();
            });
            canceller.Start();
            Assert.ThrowsAny<OperationCanceledException>(() => FileLocks.Lock(path, options, TimeSpan.FromSeconds(30), cancel.Token));
            long endedAt = Stopwatch.GetTimestamp();
            canceller.Join();
            lateAfterCancel.Add(Stopwatch.GetElapsedTime(cancelledAt, endedAt).TotalMilliseconds);
        }

        // The median, so that one descheduling on a loaded two-core machine does not decide.
        lateAfterTimeout.Sort();
        lateAfterCancel.Sort();
        Assert.InRange(lateAfterTimeout[2], 0, 50);
        Assert.InRange(lateAfterCancel[2], 0, 50);
    }

    [Theory]
    [MemberData(nameof(KernelMethods))]
    public void A_lock_granted_just_as_the_wait_is_cancelled_is_released_at_once(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };
        var holder = FileLocks.TryLock(path, options).Lock!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        // Between the cancel and the interrupt, the holder releases and the blocked call is granted.
        KernelLockWait.BeforeInterrupt = () =>
        {
            holder.Release();
            Thread.Sleep(200);
        };
        try
        {
            Assert.ThrowsAny<OperationCanceledException>(() => FileLocks.Lock(path, options, TimeSpan.FromSeconds(30), cancel.Token));
        }
        finally
        {
            KernelLockWait.BeforeInterrupt = null;
        }

        Assert.False(holder.IsHeld);
        Assert.DoesNotContain(FileLocks.FindHolders(path), h => h.Method == method);
        var again = FileLocks.TryLock(path, options);
        Assert.Equal(LockOutcome.Acquired, again.Outcome);
        again.Lock!.Release();
    }

    [Theory]
    [MemberData(nameof(KernelMethods))]
    public void A_blocked_wait_is_woken_within_a_few_milliseconds_of_another_process_releasing(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };
        var latencies = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            // Holds 300 ms: a polling wait would by then be sleeping 100 ms between attempts.
            var child = folder.Python("""
import fcntl, sys, time
f = open(sys.argv[1], 'r+')
(fcntl.flock(f, fcntl.LOCK_EX) if sys.argv[2] == 'flock' else fcntl.lockf(f, fcntl.LOCK_EX))
print('ready', flush=True)
time.sleep(0.3)
print(time.monotonic_ns(), flush=True)
(fcntl.flock(f, fcntl.LOCK_UN) if sys.argv[2] == 'flock' else fcntl.lockf(f, fcntl.LOCK_UN))
time.sleep(5)
""", path, method == LockMethod.Flock ? "flock" : "fcntl");
            latencies.Add(MillisecondsFromReleaseToLock(path, options, child));
        }

        latencies.Sort();
        Assert.True(latencies[2] < 10, "median release -> acquire " + latencies[2] + " ms: " + string.Join(", ", latencies));
    }

    [Fact]
    public void A_dotlock_wait_is_woken_by_the_locks_removal_on_a_local_filesystem()
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = LockMethod.Dotlock };
        var latencies = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            // Another process holds the dotlock (live pid, this host) for 700 ms: a polling wait sleeps 0.1-0.2 s
            // growing 1.5x by then.
            var child = folder.Python("""
import os, socket, sys, time
fd = os.open(sys.argv[1] + '.lock', os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
os.write(fd, ('%d:%s' % (os.getpid(), sys.argv[2])).encode()); os.close(fd)
print('ready', flush=True)
time.sleep(0.7)
print(time.monotonic_ns(), flush=True)
os.unlink(sys.argv[1] + '.lock')
time.sleep(5)
""", path, options.Hostname);
            latencies.Add(MillisecondsFromReleaseToLock(path, options, child));
        }

        latencies.Sort();
        Assert.True(latencies[2] < 20, "median removal -> acquire " + latencies[2] + " ms: " + string.Join(", ", latencies));
    }

    /// <summary>
    /// Waits for the lock <paramref name="child"/> holds, and returns how long after the child's release (the
    /// CLOCK_MONOTONIC time it prints just before releasing) the wait got it.
    /// </summary>
    private static double MillisecondsFromReleaseToLock(string path, LockOptions options, Process child)
    {
        var attempt = FileLocks.Lock(path, options, TimeSpan.FromSeconds(10), CancellationToken.None);
        long got = Stopwatch.GetTimestamp();
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        attempt.Lock!.Release();
        long released = long.Parse(child.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
        child.Kill();
        return (got - released) / 1_000_000.0;
    }

    private void StartWriter(string path, LockMethod method) =>
        folder.Python(Writer, path, method == LockMethod.Flock ? "flock" : "fcntl");

    // Descriptors of this process open on the file (other tests run alongside, so the total moves on its own).
    private static int DescriptorsOf(string path)
    {
        int count = 0;
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == path)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // closed while listing
            }
        }

        return count;
    }
}
