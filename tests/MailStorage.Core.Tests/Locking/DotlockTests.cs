using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using MailStorage.Core.Locking;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Locking;

/// <summary>Dovecot's dotlock rules: lost locks, stale locks of dead local pids and of other hosts, refresh, link() creation.</summary>
[Collection(TimingSensitive.Name)]
public sealed class DotlockTests : IDisposable
{
    private static readonly LockOptions Dotlock = new() { Method = LockMethod.Dotlock };
    private readonly LockTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_lock_someone_replaced_is_lost_and_release_deletes_nothing()
    {
        string path = folder.File("dovecot.index.log");
        var held = FileLocks.TryLock(path, Dotlock).Lock!;
        // Replaced by rename, so the new lock cannot reuse the inode number of ours.
        File.WriteAllText(path + ".other", "4242:elsewhere");
        File.Move(path + ".other", path + ".lock", overwrite: true);

        Assert.True(held.IsLost);
        Assert.False(held.IsHeld);
        Assert.False(held.Release());
        Assert.Equal("4242:elsewhere", File.ReadAllText(path + ".lock"));
    }

    [Fact]
    public void A_lock_someone_removed_is_lost()
    {
        string path = folder.File("dovecot.index.log");
        var held = FileLocks.TryLock(path, Dotlock).Lock!;
        File.Delete(path + ".lock");

        Assert.False(held.Release());
        Assert.True(held.IsLost);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_lock_is_never_seen_without_its_content()
    {
        // Dovecot overrides a dead local holder after 2 s only if it can read the pid: an empty lock (created, then the
        // creator killed before it wrote) holds every Dovecot process for the whole stale timeout (2 minutes for the
        // uidlist). A reader polling the lock while it is taken and released must never find it empty.
        string path = folder.File("dovecot-uidlist");
        string lockPath = path + ".lock";
        int seen = 0, empty = 0;
        using var stop = new CancellationTokenSource();
        var reader = System.Threading.Tasks.Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var info = new FileInfo(lockPath);
                if (info.Exists)
                {
                    seen++;
                    empty += info.Length == 0 ? 1 : 0;
                }
            }
        });
        for (int i = 0; i < 5000; i++)
        {
            using var held = FileLocks.TryLock(path, Dotlock).Lock!;
        }

        stop.Cancel();
        await reader;
        Assert.True(seen > 100, "the reader saw the lock only " + seen + " times");
        Assert.Equal(0, empty);
    }

    [Fact]
    public void A_dead_local_pid_is_overridden_once_the_lock_is_2_s_old()
    {
        string path = folder.File("dovecot.index.log");
        File.WriteAllText(path + ".lock", LockTestFolder.DeadPid() + ":" + FileLocks.LocalHostname);

        var fresh = FileLocks.TryLock(path, Dotlock);
        Assert.Equal(LockOutcome.Busy, fresh.Outcome); // younger than 2 s: the pid is not even read
        var attempt = FileLocks.Lock(path, Dotlock, TimeSpan.FromSeconds(6), CancellationToken.None);

        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        Assert.InRange(attempt.Waited.TotalSeconds, 1.9, 3.5); // overridden at 2 s, not at the 6 s timeout
        Assert.Equal(Environment.ProcessId + ":" + FileLocks.LocalHostname, File.ReadAllText(path + ".lock"));
        Assert.True(attempt.Lock!.Release());
    }

    [Fact]
    public void An_old_lock_of_a_dead_local_pid_is_overridden_at_once_and_reported_stale()
    {
        string path = folder.File("dovecot.index.log");
        int dead = LockTestFolder.DeadPid();
        File.WriteAllText(path + ".lock", dead + ":" + FileLocks.LocalHostname);
        File.SetLastWriteTimeUtc(path + ".lock", DateTime.UtcNow.AddSeconds(-10));

        var holder = Assert.Single(FileLocks.FindHolders(path));
        Assert.True(holder.IsStale);
        Assert.Equal(dead, holder.Pid);
        Assert.Equal(FileLocks.LocalHostname, holder.Host);
        Assert.EndsWith("(stale)", holder.ToString(), StringComparison.Ordinal);

        var watch = Stopwatch.StartNew();
        var attempt = FileLocks.TryLock(path, Dotlock);
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 90, 600); // Dovecot's 0.1-0.2 s pause after an override
        attempt.Lock!.Release();
    }

    [Fact]
    public void A_live_local_pid_is_never_overridden()
    {
        string path = folder.File("dovecot.index.log");
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            File.WriteAllText(path + ".lock", sleeper.Id + ":" + FileLocks.LocalHostname);
            File.SetLastWriteTimeUtc(path + ".lock", DateTime.UtcNow.AddSeconds(-10));

            var attempt = FileLocks.Lock(path, Dotlock, TimeSpan.FromMilliseconds(500), CancellationToken.None);

            Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
            Assert.Equal(sleeper.Id, attempt.Holder!.Pid);
            Assert.False(attempt.Holder.IsStale);
            Assert.StartsWith("dotlock held by pid " + sleeper.Id + " on host " + FileLocks.LocalHostname + " for ", attempt.Holder.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [Fact]
    public void Another_hosts_lock_is_overridden_only_after_the_stale_timeout_without_changes()
    {
        string path = folder.File("dovecot.index.log");
        File.WriteAllText(path + ".lock", "12345:otherhost");
        var options = new LockOptions { Method = LockMethod.Dotlock, DotlockStaleTimeout = TimeSpan.FromSeconds(1.5) };

        Assert.Equal(LockOutcome.Busy, FileLocks.TryLock(path, options).Outcome);
        var attempt = FileLocks.Lock(path, options, TimeSpan.FromSeconds(6), CancellationToken.None);

        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        Assert.InRange(attempt.Waited.TotalSeconds, 1.3, 4.5);
        attempt.Lock!.Release();
    }

    [Fact]
    public void Another_hosts_lock_is_kept_while_the_protected_file_keeps_changing()
    {
        string path = folder.File("dovecot.index.log");
        File.WriteAllText(path + ".lock", "12345:otherhost");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(-30));
        var options = new LockOptions { Method = LockMethod.Dotlock, DotlockStaleTimeout = TimeSpan.FromSeconds(1) };
        using var stop = new CancellationTokenSource();
        var writer = new Thread(() =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                File.AppendAllText(path, "x" + n++);
                Thread.Sleep(150);
            }
        });
        writer.Start();
        try
        {
            var attempt = FileLocks.Lock(path, options, TimeSpan.FromSeconds(3), CancellationToken.None);

            Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
            Assert.Equal("12345:otherhost", File.ReadAllText(path + ".lock"));
            Assert.Equal("otherhost", attempt.Holder!.Host);
        }
        finally
        {
            stop.Cancel();
            writer.Join();
        }
    }

    [Fact]
    public void A_held_lock_is_refreshed_so_it_never_looks_stale()
    {
        string path = folder.File("dovecot.index.log");
        var options = new LockOptions { Method = LockMethod.Dotlock, DotlockStaleTimeout = TimeSpan.FromSeconds(1), DotlockRefreshInterval = TimeSpan.FromMilliseconds(200) };
        using var held = FileLocks.TryLock(path, options).Lock!;
        File.SetLastWriteTimeUtc(path + ".lock", DateTime.UtcNow.AddSeconds(-60));

        Thread.Sleep(600);

        Assert.True((DateTime.UtcNow - File.GetLastWriteTimeUtc(path + ".lock")).TotalSeconds < 1);
        Assert.True(held.IsHeld);
    }

    [Fact]
    public void Our_own_pid_in_a_lock_held_by_another_thread_is_not_stale()
    {
        string path = folder.File("dovecot.index.log");
        using var held = FileLocks.TryLock(path, Dotlock).Lock!;
        File.SetLastWriteTimeUtc(path + ".lock", DateTime.UtcNow.AddSeconds(-10));

        Assert.Equal(LockOutcome.TimedOut, FileLocks.Lock(path, Dotlock, TimeSpan.FromMilliseconds(400), CancellationToken.None).Outcome);
        Assert.True(held.IsHeld);
    }

    [Fact]
    public void Dotlock_use_excl_no_links_a_temp_file_and_leaves_no_temp_file()
    {
        string path = folder.File("dovecot-uidlist");
        var options = new LockOptions { Method = LockMethod.Dotlock, DotlockUseExcl = false };

        var attempt = FileLocks.TryLock(path, options);
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        Assert.Equal(Environment.ProcessId + ":" + FileLocks.LocalHostname, File.ReadAllText(path + ".lock"));
        Assert.Equal(LockOutcome.Busy, FileLocks.TryLock(path, options).Outcome);
        Assert.Empty(Directory.GetFiles(folder.Root, ".temp.*"));
        Assert.True(attempt.Lock!.Release());
        Assert.False(File.Exists(path + ".lock"));
    }

    [Fact]
    public void A_stale_dotlock_is_removed_only_when_stale()
    {
        string path = folder.File("dovecot-uidlist");
        File.WriteAllText(path + ".lock", "99:otherhost");
        Assert.False(FileLocks.TryRemoveStaleDotlock(path + ".lock", null, out var live));
        Assert.False(live!.IsStale);
        Assert.True(File.Exists(path + ".lock"));

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-10));
        File.SetLastWriteTimeUtc(path + ".lock", DateTime.UtcNow.AddMinutes(-10));
        Assert.True(FileLocks.TryRemoveStaleDotlock(path + ".lock", TimeSpan.FromSeconds(0.5), out var stale) || WaitedForCtime(path));
        Assert.False(File.Exists(path + ".lock"));
        Assert.NotNull(stale);
    }

    // ctime cannot be set back: a lock written a moment ago has a fresh ctime, so wait out the short stale timeout.
    private static bool WaitedForCtime(string path)
    {
        Thread.Sleep(700);
        return FileLocks.TryRemoveStaleDotlock(path + ".lock", TimeSpan.FromSeconds(0.5), out _);
    }
}
