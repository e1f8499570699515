using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Locking;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Locking;

/// <summary>
/// The engine against real Dovecot 2.3.19 (doveadm on a real Maildir), both ways, for each lock_method: while we hold
/// the mailbox lock doveadm waits for it; while a holder Dovecot would use holds it, we time out naming that holder; a
/// dotlock of a dead local pid is overridden as Dovecot overrides it; and the uidlist dotlock is honoured both ways.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class DovecotInteropTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(2);
    private readonly ITestOutputHelper output;

    public DovecotInteropTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(LockMethod.Fcntl)]
    [InlineData(LockMethod.Flock)]
    [InlineData(LockMethod.Dotlock)]
    public void Doveadm_waits_while_we_hold_the_mailbox_lock_and_goes_on_right_after_release(LockMethod method)
    {
        using var mailbox = DovecotMailbox.Create();
        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = method, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        using var held = attempt.Lock!;

        using var doveadm = mailbox.Start("-o", "lock_method=" + Name(method), "flags", "add", "\\Seen", "mailbox", "INBOX", "1");
        Thread.Sleep(Hold);
        Assert.False(doveadm.HasExited, "doveadm did not wait for our " + Name(method) + " lock");
        Assert.True(held.Release());
        var released = RunningDoveadm.Now;
        var run = doveadm.Wait(TimeSpan.FromSeconds(30));
        var afterRelease = run.ExitedAt - released;
        output.WriteLine(Name(method) + ": doveadm flags add " + run + "; exited " + Ms(afterRelease) + " ms after our release");

        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Elapsed >= TimeSpan.FromSeconds(1.5), "doveadm took only " + run.Elapsed);
        // fcntl and flock waiters are woken by the kernel; Dovecot's dotlock wait is woken by inotify on the .lock. What
        // follows the wake-up is doveadm's own work (sync, write, exit): 0.81 s once on two cores busy with builds, so
        // the bound still tells a woken waiter from one that waited out a timeout (Dovecot waits minutes for this lock).
        Assert.True(afterRelease < TimeSpan.FromSeconds(2), "doveadm went on " + afterRelease + " after the release");
        Assert.Contains("\\Seen", mailbox.Doveadm("fetch", "flags", "mailbox", "INBOX", "uid", "1").Output, StringComparison.Ordinal);
        Assert.False(File.Exists(mailbox.IndexLog + ".lock"));
    }

    [Theory]
    [InlineData(LockMethod.Fcntl)]
    [InlineData(LockMethod.Flock)]
    [InlineData(LockMethod.Dotlock)]
    public void Doveadm_gives_up_with_its_own_timeout_message_while_we_hold_the_lock(LockMethod method)
    {
        using var mailbox = DovecotMailbox.Create();
        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = method, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);
        using var held = attempt.Lock!;

        var run = mailbox.Doveadm("-o", "lock_method=" + Name(method), "-o", "mail_max_lock_timeout=1s", "flags", "add", "\\Seen", "mailbox", "INBOX", "1");
        output.WriteLine(Name(method) + ": " + run);

        Assert.Equal(75, run.ExitCode); // EX_TEMPFAIL
        string kind = method == LockMethod.Dotlock ? "dotlock" : "lock";
        Assert.Contains("Timeout (1s) while waiting for " + kind + " for transaction log file " + mailbox.IndexLog, run.Output, StringComparison.Ordinal);
        // Dovecot's dotlock wait counts whole seconds of time(): its "1s" ends at the next second boundary (0-1 s).
        Assert.InRange(run.Elapsed.TotalSeconds, method == LockMethod.Dotlock ? 0 : 0.9, 4);
        Assert.True(held.IsHeld);
    }

    [Fact]
    public void A_classic_fcntl_holder_as_Dovecot_takes_makes_us_time_out_naming_its_pid()
    {
        using var mailbox = DovecotMailbox.Create();
        using var holder = LockHolderProcess.ClassicFcntl(mailbox.IndexLog);
        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Fcntl, Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);
        output.WriteLine("fcntl: " + attempt.Describe() + " after " + Ms(attempt.Waited) + " ms");

        AssertTimedOutNaming(attempt, holder.Pid, LockMethod.Fcntl);
        Assert.Equal(
            "Timeout (1s) while waiting for lock for transaction log file " + mailbox.IndexLog + " (WRITE lock held by pid " + holder.Pid + ")",
            attempt.Describe());

        // The kernel drops a dead holder's lock at once.
        holder.Dispose();
        var after = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Timeout = TimeSpan.Zero }, CancellationToken.None);
        Assert.Equal(LockOutcome.Acquired, after.Outcome);
        after.Lock!.Release();
    }

    [Fact]
    public void A_flock_holder_makes_us_time_out_naming_its_pid_and_does_not_block_fcntl()
    {
        using var mailbox = DovecotMailbox.Create();
        using var holder = LockHolderProcess.Flock(mailbox.IndexLog);
        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Flock, Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);
        output.WriteLine("flock: " + attempt.Describe() + " after " + Ms(attempt.Waited) + " ms");
        AssertTimedOutNaming(attempt, holder.Pid, LockMethod.Flock);

        // On Linux local filesystems flock and fcntl locks do not see each other (as Dovecot's lock_method warns).
        var fcntl = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Fcntl, Timeout = TimeSpan.Zero }, CancellationToken.None);
        Assert.Equal(LockOutcome.Acquired, fcntl.Outcome);
        fcntl.Lock!.Release();
    }

    [Fact]
    public void A_live_dotlock_as_Dovecot_writes_it_makes_us_time_out_naming_pid_and_host()
    {
        using var mailbox = DovecotMailbox.Create();
        using var live = LockHolderProcess.Sleeper();
        string lockFile = mailbox.IndexLog + ".lock";
        File.WriteAllText(lockFile, live.Pid.ToString(CultureInfo.InvariantCulture) + ":" + FileLocks.LocalHostname);
        File.SetLastWriteTimeUtc(lockFile, DateTime.UtcNow.AddSeconds(-10)); // old enough for the pid check

        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Dotlock, Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);
        output.WriteLine("dotlock: " + attempt.Describe() + " after " + Ms(attempt.Waited) + " ms");

        AssertTimedOutNaming(attempt, live.Pid, LockMethod.Dotlock);
        Assert.Equal(FileLocks.LocalHostname, attempt.Holder!.Host);
        Assert.False(attempt.Holder.IsStale);
        Assert.StartsWith("Timeout (1s) while waiting for dotlock for transaction log file " + mailbox.IndexLog + " (dotlock held by pid " + live.Pid, attempt.Describe(), StringComparison.Ordinal);
        Assert.Equal(live.Pid + ":" + FileLocks.LocalHostname, File.ReadAllText(lockFile));

        // Dovecot agrees it is live: it waits for it too.
        var run = mailbox.Doveadm("-o", "lock_method=dotlock", "-o", "mail_max_lock_timeout=1s", "flags", "add", "\\Seen", "mailbox", "INBOX", "1");
        output.WriteLine("dotlock, doveadm: " + run);
        Assert.Equal(75, run.ExitCode);
    }

    [Fact]
    public void A_dotlock_of_a_dead_local_pid_is_overridden_by_us_as_by_Dovecot()
    {
        using var mailbox = DovecotMailbox.Create();
        string lockFile = mailbox.IndexLog + ".lock";
        int dead = DeadPid();

        // Ours: the engine overrides it within Dovecot's 0.1-0.2 s and writes its own pid:hostname.
        Plant(lockFile, dead);
        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Dotlock, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);
        output.WriteLine("dead pid " + dead + ", ours: " + attempt.Outcome + " after " + Ms(attempt.Waited) + " ms");
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        Assert.True(attempt.Waited < TimeSpan.FromSeconds(1), "overriding took " + attempt.Waited);
        Assert.Equal(Environment.ProcessId + ":" + FileLocks.LocalHostname, File.ReadAllText(lockFile));
        Assert.True(attempt.Lock!.Release());
        Assert.False(File.Exists(lockFile));

        // Dovecot's: the same lock is overridden by doveadm with lock_method=dotlock, well within its timeout.
        Plant(lockFile, dead);
        var run = mailbox.Doveadm("-o", "lock_method=dotlock", "-o", "mail_max_lock_timeout=5s", "flags", "add", "\\Seen", "mailbox", "INBOX", "1");
        output.WriteLine("dead pid " + dead + ", doveadm: " + run);
        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(2), "doveadm took " + run.Elapsed);
        Assert.False(File.Exists(lockFile));
    }

    [Fact]
    public void Doveadm_fetch_with_new_mail_waits_for_our_uidlist_lock_and_mailbox_status_does_not()
    {
        using var mailbox = DovecotMailbox.Create();
        // Our index lock is a dotlock, which Dovecot with lock_method=fcntl ignores: only the uidlist lock can stop it.
        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Dotlock, IncludeUidList = true, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        using var held = attempt.Lock!;
        Assert.Equal(Environment.ProcessId + ":" + FileLocks.LocalHostname, File.ReadAllText(mailbox.UidList + ".lock"));
        mailbox.DeliverToNew("arrives while locked");

        // A "fast" sync only tries the uidlist lock and skips the new mail.
        var status = mailbox.Doveadm("mailbox", "status", "messages", "INBOX");
        output.WriteLine("uidlist, mailbox status: " + status);
        Assert.Equal(0, status.ExitCode);
        Assert.True(status.Elapsed < TimeSpan.FromSeconds(1), "mailbox status waited " + status.Elapsed);

        using var fetch = mailbox.Start("fetch", "uid", "mailbox", "INBOX", "all");
        Thread.Sleep(Hold);
        Assert.False(fetch.HasExited, "doveadm fetch did not wait for dovecot-uidlist.lock");
        Assert.True(held.Release());
        var released = RunningDoveadm.Now;
        var run = fetch.Wait(TimeSpan.FromSeconds(30));
        output.WriteLine("uidlist, fetch with new mail: " + run.ExitCode + " after " + Ms(run.Elapsed) + " ms, " + Ms(run.ExitedAt - released) + " ms after our release");
        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Elapsed >= TimeSpan.FromSeconds(1.5));
        Assert.True(run.ExitedAt - released < TimeSpan.FromSeconds(1.5));
        Assert.Equal(new[] { 1, 2, 3, 4 }, mailbox.Uids());
    }

    [Fact]
    public void Doveadm_holding_the_uidlist_dotlock_makes_us_time_out_naming_doveadm()
    {
        using var mailbox = DovecotMailbox.Create();
        (MailboxLock heldLog, RunningDoveadm fetch, string uidLock) = DoveadmHoldingTheUidListLock(mailbox);
        using var releasedAtEnd = heldLog;
        using var endedAtEnd = fetch;
        Assert.Equal(fetch.Pid + ":" + FileLocks.LocalHostname, File.ReadAllText(uidLock));

        var attempt = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Flock, IncludeUidList = true, Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);
        output.WriteLine("uidlist held by doveadm: " + attempt.Describe());
        AssertTimedOutNaming(attempt, fetch.Pid, LockMethod.Dotlock);
        Assert.Equal(mailbox.UidList, attempt.LockedFile);
        Assert.Contains("uidlist file " + mailbox.UidList, attempt.Describe(), StringComparison.Ordinal);

        Assert.True(heldLog.Release());
        var run = fetch.Wait(TimeSpan.FromSeconds(30));
        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(uidLock));
        Assert.Equal(new[] { 1, 2, 3, 4 }, mailbox.Uids());
    }

    [Fact]
    public void The_uidlist_dotlock_doveadm_holds_is_listed_live_and_not_removed()
    {
        using var mailbox = DovecotMailbox.Create();
        (MailboxLock heldLog, RunningDoveadm fetch, string uidLock) = DoveadmHoldingTheUidListLock(mailbox);
        using var releasedAtEnd = heldLog;
        using var endedAtEnd = fetch;

        // Past Dovecot's 2 s before a pid is read, so the verdict rests on doveadm being alive.
        Thread.Sleep(TimeSpan.FromSeconds(2.2));
        var found = IndexLockScanner.Scan(mailbox.Root, recurse: true);
        output.WriteLine(string.Join(Environment.NewLine, found.Select(h => h.LockPath + ": " + h)));
        var held = Assert.Single(found, h => h.LockPath == uidLock);
        Assert.Equal(fetch.Pid, held.Pid);
        Assert.False(held.IsStale);
        Assert.False(FileLocks.TryRemoveStaleDotlock(uidLock, null, out _));
        Assert.True(File.Exists(uidLock));

        Assert.True(heldLog.Release());
        Assert.Equal(0, fetch.Wait(TimeSpan.FromSeconds(30)).ExitCode);
        Assert.False(File.Exists(uidLock));
    }

    /// <summary>
    /// A real Dovecot dotlock held: with the index log locked by us, doveadm fetch takes dovecot-uidlist.lock first and
    /// then waits for the log. Returns our log lock, the waiting doveadm and the path of its dotlock.
    /// </summary>
    private static (MailboxLock Log, RunningDoveadm Fetch, string UidLock) DoveadmHoldingTheUidListLock(DovecotMailbox mailbox)
    {
        var log = MailboxLock.Acquire(mailbox.Maildir, new MailboxLockOptions { Method = LockMethod.Fcntl, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);
        MailboxLock heldLog = log.Lock!;
        mailbox.DeliverToNew("needs a uid");
        RunningDoveadm fetch = mailbox.Start("fetch", "uid", "mailbox", "INBOX", "all");
        string uidLock = mailbox.UidList + ".lock";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(uidLock) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.True(File.Exists(uidLock), "doveadm never took dovecot-uidlist.lock");
        return (heldLog, fetch, uidLock);
    }

    private static void AssertTimedOutNaming(MailboxLockAttempt attempt, int pid, LockMethod method)
    {
        Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
        Assert.Null(attempt.Lock);
        Assert.InRange(attempt.Waited.TotalSeconds, 0.95, 3);
        Assert.NotNull(attempt.Holder);
        Assert.Equal(pid, attempt.Holder!.Pid);
        Assert.Equal(method, attempt.Holder.Method);
        Assert.Contains("held by pid " + pid, attempt.Describe(), StringComparison.Ordinal);
    }

    // A dotlock of a dead pid of this host, older than Dovecot's 2 s pid check.
    private static void Plant(string lockFile, int pid)
    {
        File.WriteAllText(lockFile, pid.ToString(CultureInfo.InvariantCulture) + ":" + FileLocks.LocalHostname);
        Thread.Sleep(TimeSpan.FromSeconds(2.2));
    }

    private static int DeadPid()
    {
        int pid = 999999;
        while (Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
        {
            pid--;
        }

        return pid;
    }

    private static string Name(LockMethod method) => method.ToString().ToLowerInvariant();

    private static string Ms(TimeSpan time) => ((long)time.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
