using System;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.Locking;
using Xunit;

namespace MailStorage.Core.Tests.Locking;

/// <summary>MailboxLock (log + uidlist), its options from a Dovecot config, and the index lock scanner.</summary>
public sealed class MailboxLockTests : IDisposable
{
    private readonly LockTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void FromConfig_reads_lock_method_dotlock_use_excl_and_caps_the_timeout_per_protocol()
    {
        string config = folder.File("dovecot.conf", """
            lock_method = dotlock
            dotlock_use_excl = no
            mail_max_lock_timeout = 3s
            protocol imap {
              lock_method = flock
              mail_max_lock_timeout = 10 mins
            }
            """);
        var dovecot = ConfigReader.Read(config);

        var global = MailboxLockOptions.FromConfig(dovecot, null);
        Assert.Equal(LockMethod.Dotlock, global.Method);
        Assert.False(global.DotlockUseExcl);
        Assert.Equal(TimeSpan.FromSeconds(3), global.Timeout);

        var imap = MailboxLockOptions.FromConfig(dovecot, new ConfigFilter("imap", null, null, null));
        Assert.Equal(LockMethod.Flock, imap.Method);
        Assert.Equal(TimeSpan.FromSeconds(180), imap.Timeout); // 10 min is no cap below Dovecot's own 180 s
    }

    [Fact]
    public void FromConfig_refuses_a_config_Dovecot_refuses()
    {
        // doveconf: "Invalid value: FLOCK" (enum values are case-sensitive in the config).
        var dovecot = ConfigReader.Read(folder.File("dovecot.conf", "lock_method = FLOCK\n"));

        var error = Assert.Throws<FormatException>(() => MailboxLockOptions.FromConfig(dovecot, null));
        Assert.Contains("FLOCK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_defaults_are_Dovecots()
    {
        var dovecot = ConfigReader.Read(folder.File("dovecot.conf", "mail_location = maildir:~/Maildir\n"));

        var options = MailboxLockOptions.FromConfig(dovecot, null);

        Assert.Equal(LockMethod.Fcntl, options.Method);
        Assert.True(options.DotlockUseExcl);
        Assert.Equal(TimeSpan.FromSeconds(180), options.Timeout); // mail_max_lock_timeout = 0: no cap
    }

    [Theory]
    [InlineData(LockMethod.Fcntl)]
    [InlineData(LockMethod.Flock)]
    [InlineData(LockMethod.Dotlock)]
    public void A_mailbox_lock_holds_the_log_and_the_uidlist_and_releases_both(LockMethod method)
    {
        string log = folder.File("dovecot.index.log");
        var options = new MailboxLockOptions { Method = method, IncludeUidList = true, Timeout = TimeSpan.FromSeconds(1) };

        var attempt = MailboxLock.Acquire(folder.Root, options, CancellationToken.None);

        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        var held = attempt.Lock!;
        Assert.Equal(log, held.IndexLog.Path);
        Assert.Equal(method, held.IndexLog.Method);
        Assert.Equal(Path.Combine(folder.Root, "dovecot-uidlist.lock"), held.UidList!.LockPath);
        Assert.True(File.Exists(Path.Combine(folder.Root, "dovecot-uidlist.lock")));

        var scan = IndexLockScanner.Scan(folder.Root, recurse: false);
        Assert.Contains(scan, h => h.LockPath.EndsWith("dovecot-uidlist.lock", StringComparison.Ordinal) && h.Pid == Environment.ProcessId && !h.IsStale);
        Assert.Contains(scan, h => h.Method == method && h.Pid == Environment.ProcessId && h.LockPath.StartsWith(log, StringComparison.Ordinal));

        var second = MailboxLock.Acquire(folder.Root, options.with_timeout(TimeSpan.FromMilliseconds(300)), CancellationToken.None);
        Assert.Equal(LockOutcome.TimedOut, second.Outcome);
        Assert.Equal(Path.Combine(folder.Root, "dovecot-uidlist"), second.LockedFile);
        Assert.StartsWith("Timeout (0.3s) while waiting for dotlock for uidlist file ", second.Describe(), StringComparison.Ordinal);

        Assert.True(held.Release());
        Assert.False(File.Exists(Path.Combine(folder.Root, "dovecot-uidlist.lock")));
        Assert.Empty(IndexLockScanner.Scan(folder.Root, recurse: false));
    }

    [Fact]
    public void When_the_log_is_busy_the_uidlist_lock_taken_first_is_given_back()
    {
        string log = folder.File("dovecot.index.log");
        using var other = FileLocks.TryLock(log, LockOptions.Default).Lock!;

        var attempt = MailboxLock.Acquire(folder.Root, new MailboxLockOptions { IncludeUidList = true, Timeout = TimeSpan.FromMilliseconds(300) }, CancellationToken.None);

        Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
        Assert.Equal(log, attempt.LockedFile);
        Assert.Equal(
            "Timeout (0.3s) while waiting for lock for transaction log file " + log + " (WRITE lock held by pid " + Environment.ProcessId + ")",
            attempt.Describe());
        Assert.False(File.Exists(Path.Combine(folder.Root, "dovecot-uidlist.lock")));
    }

    [Fact]
    public void The_scanner_recurses_and_finds_dotlocks_of_every_kind()
    {
        string sub = Path.Combine(folder.Root, "Maildir", ".Sent");
        Directory.CreateDirectory(sub);
        File.WriteAllText(Path.Combine(sub, "dovecot.index.log"), string.Empty);
        File.WriteAllText(Path.Combine(sub, "dovecot.index.log.lock"), "77:mx2");
        File.WriteAllText(Path.Combine(folder.Root, "dovecot.list.index.log"), string.Empty);
        using var list = FileLocks.TryLock(Path.Combine(folder.Root, "dovecot.list.index.log"), new LockOptions { Method = LockMethod.Flock }).Lock!;

        var flat = IndexLockScanner.Scan(folder.Root, recurse: false);
        var deep = IndexLockScanner.Scan(folder.Root, recurse: true);

        Assert.Single(flat);
        Assert.Equal(2, deep.Count);
        var dotlock = deep.Single(h => h.Method == LockMethod.Dotlock);
        Assert.Equal(77, dotlock.Pid);
        Assert.Equal("mx2", dotlock.Host);
        Assert.False(dotlock.IsStale);
        Assert.StartsWith("dotlock held by pid 77 on host mx2 for ", dotlock.ToString(), StringComparison.Ordinal);
    }
}

internal static class MailboxLockOptionsExtensions
{
    public static MailboxLockOptions with_timeout(this MailboxLockOptions options, TimeSpan timeout) => new()
    {
        Method = options.Method,
        Mode = options.Mode,
        DotlockUseExcl = options.DotlockUseExcl,
        IncludeUidList = options.IncludeUidList,
        Timeout = timeout,
    };
}
