using System;
using System.IO;
using System.Linq;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Locking;

/// <summary>
/// The torture across the two GlusterFS clients: 4 processes on mount A and 4 on mount B increment the same counter.
/// GlusterFS does about 1,500 lock pairs a second and each cycle also opens, reads and writes the counter through
/// FUSE, so the cycles are fewer than on local disks: 8 x 250 for fcntl and flock, 8 x 100 for dotlocks (whose waits
/// start at Dovecot's 0.1 s). The clients are mounted with the strict options (no client caching) meanwhile: with
/// gluster's default caches the lock is coherent across clients but a counter read after taking it can be stale
/// (measured: 1,000 of 2,000), which is the data cache, not the lock.
/// </summary>
[Collection(GlusterFsTestBed.Name)]
public sealed class LockTortureGlusterFsTests
{
    private readonly GlusterFsFixture glusterfs;
    private readonly ITestOutputHelper output;

    public LockTortureGlusterFsTests(GlusterFsFixture glusterfs, ITestOutputHelper output)
    {
        this.glusterfs = glusterfs;
        this.output = output;
    }

    [Fact]
    public void Four_processes_on_each_client_count_exactly_with_every_method()
    {
        glusterfs.Require();
        glusterfs.Remount(strict: true);
        try
        {
            foreach (var (method, cycles) in new[] { ("fcntl", 250), ("flock", 250), ("dotlock", 100) })
            {
                string name = "torture-" + method + "-" + Guid.NewGuid().ToString("N")[..6];
                string viaA = Path.Combine(glusterfs.MountA, name), viaB = Path.Combine(glusterfs.MountB, name);
                File.WriteAllText(viaA, "0");
                var paths = Enumerable.Repeat(viaA, 4).Concat(Enumerable.Repeat(viaB, 4)).ToList();

                var (count, took) = LockTorture.Run(method, paths, cycles);

                output.WriteLine(FormattableString.Invariant($"GlusterFS {method}: 8 x {cycles} = {count} in {took.TotalSeconds:0.0} s"));
                Assert.Equal(8 * cycles, count);
                Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(viaB).Trim());
                File.Delete(viaA);
            }
        }
        finally
        {
            glusterfs.Remount(strict: false);
        }
    }
}
