using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Locking;
using MailStorage.Core.Tests.FileSystems;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Locking;

/// <summary>
/// 8 processes x 2,000 lock / read counter / increment / write / unlock cycles per method, on a tmpfs and on a loop
/// ext4: the count must be exactly 16,000. And a holder killed with SIGKILL: fcntl and flock are free at once, its
/// dotlock is taken over by the stale rules (dead local pid, after 2 s).
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class LockTortureTests
{
    private const int Processes = 8;
    private const int Cycles = 2000;
    private readonly ITestOutputHelper output;

    public LockTortureTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Eight_processes_count_exactly_on_tmpfs_and_on_a_loop_ext4_with_every_method()
    {
        ScratchMounts.Require("mkfs.ext4", "truncate");
        using var mounts = new ScratchMounts();
        foreach (string dir in new[] { mounts.Tmpfs("tmpfs"), mounts.LoopImage("ext4", "mkfs.ext4") })
        {
            foreach (string method in new[] { "fcntl", "flock", "dotlock" })
            {
                string counter = Path.Combine(dir, "counter-" + method);
                var (count, took) = LockTorture.Run(method, Enumerable.Repeat(counter, Processes).ToList(), Cycles);
                output.WriteLine(FormattableString.Invariant($"{Path.GetFileName(dir)} {method}: {count} in {took.TotalSeconds:0.0} s"));
                Assert.Equal(Processes * Cycles, count);
                Assert.False(File.Exists(counter + ".lock"));
            }
        }
    }

    [Fact]
    public void Dotlock_use_excl_no_counts_exactly_too()
    {
        using var folder = new LockTestFolder();
        string counter = folder.File("counter", "0");
        var (count, took) = LockTorture.Run("dotlock", Enumerable.Repeat(counter, 4).ToList(), 500, "link");
        output.WriteLine(FormattableString.Invariant($"dotlock (link): {count} in {took.TotalSeconds:0.0} s"));
        Assert.Equal(2000, count);
        Assert.Empty(Directory.GetFiles(folder.Root, ".temp.*"));
    }

    [Theory]
    [InlineData(LockMethod.Fcntl)]
    [InlineData(LockMethod.Flock)]
    [InlineData(LockMethod.Dotlock)]
    public void A_holder_killed_with_SIGKILL_frees_fcntl_and_flock_at_once_and_its_dotlock_by_the_stale_rules(LockMethod method)
    {
        using var folder = new LockTestFolder();
        string path = folder.File("dovecot.index.log");
        var info = new ProcessStartInfo(LockTorture.Host);
        info.ArgumentList.Add(LockTorture.Dll);
        info.ArgumentList.Add("hold");
        info.ArgumentList.Add(method.ToString().ToLowerInvariant());
        info.ArgumentList.Add(path);
        var holder = folder.StartAndWait(info, "held");
        var options = new LockOptions { Method = method };

        var busy = FileLocks.TryLock(path, options);
        Assert.Equal(LockOutcome.Busy, busy.Outcome);
        Assert.Equal(holder.Id, busy.Holder!.Pid);

        holder.Kill(); // SIGKILL
        holder.WaitForExit();
        var killedAt = Stopwatch.StartNew();

        var attempt = FileLocks.Lock(path, options, TimeSpan.FromSeconds(6), CancellationToken.None);
        Assert.Equal(LockOutcome.Acquired, attempt.Outcome);
        output.WriteLine(FormattableString.Invariant($"{method}: acquired {killedAt.Elapsed.TotalMilliseconds:0} ms after the holder died"));
        if (method == LockMethod.Dotlock)
        {
            // The dead pid is read once the lock is 2 s old; then the override and Dovecot's 0.1-0.2 s pause.
            Assert.InRange(killedAt.Elapsed.TotalSeconds, 0.5, 3.0);
            Assert.Equal(Environment.ProcessId + ":" + FileLocks.LocalHostname, File.ReadAllText(path + ".lock"));
        }
        else
        {
            Assert.Equal(TimeSpan.Zero, attempt.Waited);
        }

        Assert.True(attempt.Lock!.Release());
    }
}
