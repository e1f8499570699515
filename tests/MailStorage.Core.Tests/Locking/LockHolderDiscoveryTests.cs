using System;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Locking;
using Xunit;

namespace MailStorage.Core.Tests.Locking;

/// <summary>FindHolders: classic fcntl and flock holders in other processes, OFD holders in this one, /proc/locks lines.</summary>
public sealed class LockHolderDiscoveryTests : IDisposable
{
    // Classic (per-process) fcntl, as Dovecot takes it: lockf is F_SETLKW over the whole file.
    private const string ClassicFcntlHolder = "import fcntl,sys,time\nf=open(sys.argv[1],'r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('ready',flush=True)\ntime.sleep(60)";
    private const string ClassicReadHolder = "import fcntl,sys,time\nf=open(sys.argv[1],'r')\nfcntl.lockf(f,fcntl.LOCK_SH)\nprint('ready',flush=True)\ntime.sleep(60)";
    private const string FlockHolder = "import fcntl,sys,time\nf=open(sys.argv[1],'r')\nfcntl.flock(f,fcntl.LOCK_EX)\nprint('ready',flush=True)\ntime.sleep(60)";

    private readonly LockTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_classic_fcntl_holder_in_a_child_process_is_named_and_blocks_our_OFD_lock()
    {
        string path = folder.File("dovecot.index.log");
        var child = folder.Python(ClassicFcntlHolder, path);

        var holder = Assert.Single(FileLocks.FindHolders(path));
        Assert.Equal(child.Id, holder.Pid);
        Assert.Equal(LockMethod.Fcntl, holder.Method);
        Assert.Equal(LockMode.Exclusive, holder.Mode);
        Assert.Equal("POSIX", holder.Kind);
        Assert.Equal("WRITE lock held by pid " + child.Id, holder.ToString());

        var attempt = FileLocks.Lock(path, LockOptions.Default, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.Equal(LockOutcome.TimedOut, attempt.Outcome);
        Assert.Equal(child.Id, attempt.Holder!.Pid);

        // flock does not see fcntl locks on Linux local filesystems (what Dovecot's lock_method must agree on).
        var flock = FileLocks.TryLock(path, new LockOptions { Method = LockMethod.Flock });
        Assert.Equal(LockOutcome.Acquired, flock.Outcome);
        flock.Lock!.Release();

        child.Kill();
        child.WaitForExit();
        var free = FileLocks.TryLock(path, LockOptions.Default);
        Assert.Equal(LockOutcome.Acquired, free.Outcome);
        free.Lock!.Release();
    }

    [Fact]
    public void A_classic_read_lock_lets_our_shared_lock_in_and_keeps_the_writer_out()
    {
        string path = folder.File("dovecot.index.log");
        var child = folder.Python(ClassicReadHolder, path);

        using var shared = FileLocks.TryLock(path, new LockOptions { Mode = LockMode.Shared }).Lock!;
        var writer = FileLocks.TryLock(path, LockOptions.Default);

        Assert.Equal(LockOutcome.Busy, writer.Outcome);
        var holders = FileLocks.FindHolders(path);
        Assert.Contains(holders, h => h.Pid == child.Id && h.Mode == LockMode.Shared && h.Kind == "POSIX");
        Assert.Contains(holders, h => h.Pid == Environment.ProcessId && h.Mode == LockMode.Shared && h.Kind == "OFDLCK");
    }

    [Fact]
    public void A_flock_holder_in_a_child_process_is_named()
    {
        string path = folder.File("dovecot.index.log");
        var child = folder.Python(FlockHolder, path);

        var holder = Assert.Single(FileLocks.FindHolders(path));
        Assert.Equal(child.Id, holder.Pid);
        Assert.Equal(LockMethod.Flock, holder.Method);
        Assert.Equal("flock WRITE lock held by pid " + child.Id, holder.ToString());

        var attempt = FileLocks.TryLock(path, new LockOptions { Method = LockMethod.Flock });
        Assert.Equal(LockOutcome.Busy, attempt.Outcome);
        Assert.Equal(child.Id, attempt.Holder!.Pid);
        Assert.Equal(LockOutcome.Acquired, FileLocks.TryLock(path, LockOptions.Default).Outcome is var o ? o : o);
    }

    [Fact]
    public void An_OFD_holder_on_another_descriptor_of_this_process_is_named_with_our_pid()
    {
        string path = folder.File("dovecot.index.log");
        using var held = FileLocks.TryLock(path, LockOptions.Default).Lock!;

        var holder = Assert.Single(FileLocks.FindHolders(path));

        Assert.Equal(Environment.ProcessId, holder.Pid);
        Assert.Equal("OFDLCK", holder.Kind);
        Assert.Equal(LockMethod.Fcntl, holder.Method);
    }

    [Fact]
    public void A_file_nobody_locks_has_no_holders_and_a_missing_file_neither()
    {
        string path = folder.File("dovecot.index.log");
        Assert.Empty(FileLocks.FindHolders(path));
        Assert.Empty(FileLocks.FindHolders(Path.Combine(folder.Root, "missing")));
    }

    [Theory]
    [InlineData("1: POSIX  ADVISORY  WRITE 6413 fe:00:11690044 0 EOF", "POSIX", true, 6413, 0xfeu, 0u, 11690044ul)]
    [InlineData("2: FLOCK  ADVISORY  READ 17 00:2d:789 0 EOF", "FLOCK", false, 17, 0u, 0x2du, 789ul)]
    [InlineData("3: OFDLCK ADVISORY  WRITE -1 fe:00:11690149 0 EOF", "OFDLCK", true, -1, 0xfeu, 0u, 11690149ul)]
    [InlineData("lock:\t1: OFDLCK ADVISORY  WRITE -1 fe:00:11690149 0 EOF", "OFDLCK", true, -1, 0xfeu, 0u, 11690149ul)]
    public void Proc_locks_lines_parse(string line, string kind, bool write, int pid, uint major, uint minor, ulong inode)
    {
        Assert.True(ProcLocks.TryParse(line, out var entry));
        Assert.Equal(new ProcLock(kind, write, pid, major, minor, inode), entry);
    }

    [Fact]
    public void Blocked_waiters_and_garbage_are_not_holders()
    {
        Assert.False(ProcLocks.TryParse("1: -> POSIX  ADVISORY  WRITE 6414 fe:00:11690044 0 EOF", out _));
        Assert.False(ProcLocks.TryParse("", out _));
        Assert.False(ProcLocks.TryParse("nonsense here", out _));
    }

    [Fact]
    public void Device_numbers_split_as_glibc_splits_them()
    {
        var st = new FileInfo(folder.File("x"));
        Assert.True(st.Exists);
        Assert.Equal(0xfeu, ProcLocks.MajorOf(0xfe00));
        Assert.Equal(0u, ProcLocks.MinorOf(0xfe00));
        Assert.Equal(0x103u, ProcLocks.MajorOf(0x10300 | (0x1ul << 32) * 0));
        Assert.Equal(0x12345u, ProcLocks.MinorOf(0x45 | (0x123ul << 20)));
        Assert.Equal(Enumerable.Empty<int>(), Array.Empty<int>());
    }
}
