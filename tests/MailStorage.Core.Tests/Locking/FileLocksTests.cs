using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using MailStorage.Core.Locking;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Locking;

/// <summary>TryLock, Lock, Release for fcntl (OFD), flock and dotlock: outcomes, timeouts, cancellation, modes.</summary>
[Collection(TimingSensitive.Name)]
public sealed class FileLocksTests : IDisposable
{
    private readonly LockTestFolder folder = new();

    public static TheoryData<LockMethod> Methods => new() { LockMethod.Fcntl, LockMethod.Flock, LockMethod.Dotlock };

    public void Dispose() => folder.Dispose();

    [Theory]
    [MemberData(nameof(Methods))]
    public void TryLock_acquires_a_free_file_and_release_frees_it(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };

        var attempt = FileLocks.TryLock(path, options);
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        var held = attempt.Lock!;
        Assert.True(held.IsHeld);
        Assert.False(held.IsLost);
        Assert.Equal(path, held.Path);
        Assert.Equal(method == LockMethod.Dotlock ? path + ".lock" : path, held.LockPath);
        Assert.Equal(method, held.Method);
        if (method == LockMethod.Dotlock)
        {
            Assert.Equal(Environment.ProcessId + ":" + FileLocks.LocalHostname, File.ReadAllText(path + ".lock"));
        }

        Assert.True(held.Release());
        Assert.False(held.IsHeld);
        Assert.True(held.Release()); // again: nothing more happens
        Assert.False(File.Exists(path + ".lock"));

        var again = FileLocks.TryLock(path, options);
        Assert.Equal(LockOutcome.Acquired, again.Outcome);
        again.Lock!.Dispose();
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Bad_options_are_refused_on_every_attempt_and_good_ones_lock_every_time(LockMethod method)
    {
        // Options are validated once and remembered as valid; a refusal must never be remembered as a pass.
        string path = folder.File("dovecot.index.log");
        var bad = new LockOptions { Method = method, Hostname = "mx:1" };
        for (int i = 0; i < 2; i++)
        {
            var error = Assert.Throws<ArgumentException>(() => FileLocks.TryLock(path, bad));
            Assert.Contains("mx:1", error.Message, StringComparison.Ordinal);
        }

        var good = new LockOptions { Method = method };
        for (int i = 0; i < 3; i++)
        {
            var attempt = FileLocks.TryLock(path, good);
            Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
            Assert.Equal(LockOutcome.Busy, FileLocks.TryLock(path, good).Outcome);
            Assert.True(attempt.Lock!.Release());
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_second_holder_in_this_process_is_refused_Busy(LockMethod method)
    {
        // fcntl as OFD locks: another descriptor of this very process conflicts (a classic lock would just be merged).
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };
        using var first = FileLocks.TryLock(path, options).Lock!;

        var second = FileLocks.TryLock(path, options);

        Assert.Equal(LockOutcome.Busy, second.Outcome);
        Assert.Null(second.Lock);
        Assert.NotNull(second.Holder);
        Assert.Equal(Environment.ProcessId, second.Holder!.Pid);
        Assert.Equal(method, second.Holder.Method);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Lock_times_out_not_before_its_timeout_and_names_the_holder(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };
        using var first = FileLocks.TryLock(path, options).Lock!;

        var watch = Stopwatch.StartNew();
        var attempt = FileLocks.Lock(path, options, TimeSpan.FromMilliseconds(700), CancellationToken.None);
        watch.Stop();

        Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
        // Never early (the clock's granularity aside); the upper bound only catches a wait that ignores its timeout,
        // since on two busy cores a waiter can be scheduled hundreds of milliseconds late.
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 690, 2_000);
        Assert.InRange(attempt.Waited.TotalMilliseconds, 690, 2_000);
        string text = attempt.Describe("transaction log file");
        string kind = method == LockMethod.Dotlock ? "dotlock" : "lock";
        Assert.StartsWith("Timeout (0.7s) while waiting for " + kind + " for transaction log file " + path + " (", text, StringComparison.Ordinal);
        Assert.Contains("pid " + Environment.ProcessId, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timeout_message_has_Dovecots_words()
    {
        string path = folder.File("dovecot.index.log");
        using var first = FileLocks.TryLock(path, LockOptions.Default).Lock!;

        var attempt = FileLocks.Lock(path, LockOptions.Default, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(
            "Timeout (1s) while waiting for lock for transaction log file " + path + " (WRITE lock held by pid " + Environment.ProcessId + ")",
            attempt.Describe("transaction log file"));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Lock_gets_the_lock_when_the_holder_releases_it(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method };
        var first = FileLocks.TryLock(path, options).Lock!;
        var release = new Thread(() =>
        {
            Thread.Sleep(300);
            first.Release();
        });
        release.Start();

        var attempt = FileLocks.Lock(path, options, TimeSpan.FromSeconds(10), CancellationToken.None);
        release.Join();

        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        Assert.InRange(attempt.Waited.TotalMilliseconds, 250, 2000);
        attempt.Lock!.Release();
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Cancellation_ends_the_wait_with_OperationCanceledException_and_leaves_nothing(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = method, DotlockUseExcl = false };
        using var first = FileLocks.TryLock(path, options).Lock!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => FileLocks.Lock(path, options, TimeSpan.FromSeconds(30), cancel.Token));

        // Cancelled at 300 ms instead of waiting the 30 s timeout. The upper bound leaves room for the cancellation
        // timer firing late on a loaded two-core CI machine (seen at 524 and 1,011 ms), not for the wait itself.
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 250, 2_000);
        Assert.Empty(Directory.GetFiles(folder.Root, ".temp.*")); // dotlock_use_excl=no leaves no temp file behind
        Assert.True(first.IsHeld);
    }

    [Fact]
    public void A_cancelled_token_throws_before_trying()
    {
        string path = folder.File("dovecot.index.log");
        Assert.ThrowsAny<OperationCanceledException>(() => FileLocks.Lock(path, LockOptions.Default, TimeSpan.FromSeconds(1), new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(LockMethod.Fcntl)]
    [InlineData(LockMethod.Flock)]
    public void Shared_locks_share_and_exclude_writers(LockMethod method)
    {
        string path = folder.File("dovecot.index.log");
        var shared = new LockOptions { Method = method, Mode = LockMode.Shared };
        var exclusive = new LockOptions { Method = method };

        using var reader1 = FileLocks.TryLock(path, shared).Lock!;
        var reader2 = FileLocks.TryLock(path, shared);
        Assert.Equal(LockOutcome.Acquired, reader2.Outcome);
        Assert.Equal(LockMode.Shared, reader2.Lock!.Mode);

        var writer = FileLocks.TryLock(path, exclusive);
        Assert.Equal(LockOutcome.Busy, writer.Outcome);
        Assert.Equal(LockMode.Shared, writer.Holder!.Mode);
        Assert.StartsWith(method == LockMethod.Flock ? "flock READ lock held by pid" : "READ lock held by pid", writer.Holder.ToString(), StringComparison.Ordinal);

        reader2.Lock.Release();
        reader1.Release();
        using var writerLock = FileLocks.TryLock(path, exclusive).Lock!;
        Assert.Equal(LockOutcome.Busy, FileLocks.TryLock(path, shared).Outcome);
    }

    [Fact]
    public void A_dotlock_has_no_shared_mode()
    {
        string path = folder.File("x");
        Assert.Throws<ArgumentException>(() => FileLocks.TryLock(path, new LockOptions { Method = LockMethod.Dotlock, Mode = LockMode.Shared }));
    }

    [Fact]
    public void Fcntl_and_flock_on_a_missing_file_fail_naming_it_and_a_symlink_is_refused()
    {
        string missing = Path.Combine(folder.Root, "missing");
        var error = Assert.Throws<FileNotFoundException>(() => FileLocks.TryLock(missing, LockOptions.Default));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);

        string target = folder.File("target");
        string link = Path.Combine(folder.Root, "link");
        File.CreateSymbolicLink(link, target);
        var refused = Assert.Throws<IOException>(() => FileLocks.TryLock(link, new LockOptions { Method = LockMethod.Flock }));
        Assert.Contains("symbolic link", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_replaced_between_open_and_lock_is_locked_anew()
    {
        // The descriptor kept after the first release still names the old inode; the rename makes it a stranger.
        string path = folder.File("dovecot.index.log", "old");
        FileLocks.TryLock(path, LockOptions.Default).Lock!.Release();
        string fresh = folder.File("dovecot.index.log.newlock", "new");
        File.Move(fresh, path, overwrite: true);

        using var held = FileLocks.TryLock(path, LockOptions.Default).Lock!;

        var holders = FileLocks.FindHolders(path);
        Assert.Contains(holders, h => h.Method == LockMethod.Fcntl && h.Pid == Environment.ProcessId);
    }

    [Fact]
    public void Two_threads_of_one_process_contend_on_fcntl_and_count_exactly()
    {
        // Classic fcntl locks would let both threads in (they belong to the process); OFD locks keep them apart.
        string path = folder.File("counter");
        long counter = 0;
        const int Threads = 4, Cycles = 2000;
        var workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                for (int i = 0; i < Cycles; i++)
                {
                    var attempt = FileLocks.Lock(path, LockOptions.Default, TimeSpan.FromSeconds(30), CancellationToken.None);
                    Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
                    long seen = Volatile.Read(ref counter);
                    Thread.SpinWait(20);
                    Volatile.Write(ref counter, seen + 1);
                    attempt.Lock!.Release();
                }
            });
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        Assert.Equal(Threads * Cycles, counter);
    }

    [Fact]
    public void A_waiting_thread_gets_the_lock_soon_after_another_thread_releases_it()
    {
        string path = folder.File("dovecot.index.log");
        var first = FileLocks.TryLock(path, LockOptions.Default).Lock!;
        long releasedAt = 0;
        var release = new Thread(() =>
        {
            Thread.Sleep(400); // long enough for the waiter's back-off to have grown
            releasedAt = Stopwatch.GetTimestamp();
            first.Release();
        });
        release.Start();

        var attempt = FileLocks.Lock(path, LockOptions.Default, TimeSpan.FromSeconds(5), CancellationToken.None);
        long gotAt = Stopwatch.GetTimestamp();
        release.Join();
        attempt.Lock!.Release();

        Assert.InRange(Stopwatch.GetElapsedTime(releasedAt, gotAt).TotalMilliseconds, 0, 50); // woken, not the 100+ ms back-off
    }
}
