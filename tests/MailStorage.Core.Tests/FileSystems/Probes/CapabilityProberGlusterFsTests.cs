using System;
using System.Collections.Generic;
using System.Threading;
using MailStorage.Core.FileSystems.Probes;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.FileSystems.Probes;

/// <summary>
/// Probes on the GlusterFS test bed (one replica-2 volume, two FUSE clients): what shared/reference/filesystems.md
/// measured must be found again. Locks coherent across clients, mmap never coherent, attributes about a second
/// stale with the default options and fresh with the strict ones.
/// </summary>
[Collection(GlusterFsTestBed.Name)]
public sealed class CapabilityProberGlusterFsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);
    private readonly GlusterFsFixture glusterfs;
    private readonly ITestOutputHelper output;

    public CapabilityProberGlusterFsTests(GlusterFsFixture glusterfs, ITestOutputHelper output)
    {
        this.glusterfs = glusterfs;
        this.output = output;
    }

    [Fact]
    public void Default_options_locks_coherent_mmap_not_attributes_a_second_stale_then_strict_options_fresh()
    {
        glusterfs.Require();
        output.WriteLine("up took " + glusterfs.UpSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s");

        var results = Probe();

        // Locks: a lock held through client A blocks a try through client B, for every kind.
        foreach (string name in new[] { ProbeNames.FcntlOfdLockAcrossMounts, ProbeNames.FcntlLockAcrossMounts, ProbeNames.FlockAcrossMounts })
        {
            var across = ProbeAssert.Outcome(results, name, ProbeOutcome.Supported);
            Assert.True(ProbeAssert.Figure(across, "lock wait after release ms") < 1000, across.ToString());
        }

        // O_EXCL and link() races: exactly one winner every round, one racer on each client.
        ProbeAssert.Outcome(results, ProbeNames.ExclusiveCreateRace, ProbeOutcome.Supported);
        ProbeAssert.Outcome(results, ProbeNames.LinkDotlockRace, ProbeOutcome.Supported);

        // mmap: client A's mapping does not see client B's write in time: never, or (when GlusterFS drops the
        // page as its attribute cache expires) only after about a second. Either way mmap_disable=yes.
        var mmap = ProbeAssert.Get(results, ProbeNames.MmapCoherence);
        Assert.True(mmap.Result is ProbeOutcome.Unsupported or ProbeOutcome.Degraded, mmap.ToString());

        // Attributes: about a second stale.
        var stale = ProbeAssert.Outcome(results, ProbeNames.AttributeStaleness, ProbeOutcome.Degraded);
        foreach (string figure in new[] { "size visible after ms", "mtime visible after ms" })
        {
            double ms = ProbeAssert.Figure(stale, figure);
            Assert.InRange(ms, 300, 3000);
        }

        output.WriteLine(ProbeAssert.Get(results, ProbeNames.AttributeFlush).ToString());
        output.WriteLine(ProbeAssert.Get(results, ProbeNames.DataFlush).ToString());
        var recommendation = StorageRecommendation.From(results);
        output.WriteLine(recommendation.ToString());
        Assert.Equal("yes", recommendation["mmap_disable"]);
        Assert.Equal("fcntl", recommendation["lock_method"]);
        Assert.Equal("yes", recommendation["mail_nfs_storage"]);
        Assert.Equal("yes", recommendation["mail_nfs_index"]);
        Assert.Equal("always", recommendation["mail_fsync"]);

        // Strict: kernel FUSE caches and gluster's caching translators off; another client sees changes at once.
        glusterfs.Remount(strict: true);
        try
        {
            var strict = Probe();
            var fresh = ProbeAssert.Get(strict, ProbeNames.AttributeStaleness);
            foreach (string figure in new[] { "size visible after ms", "mtime visible after ms" })
            {
                Assert.True(ProbeAssert.Figure(fresh, figure) < 200, fresh.ToString());
            }

            Assert.NotEqual(ProbeOutcome.Supported, ProbeAssert.Get(strict, ProbeNames.MmapCoherence).Result);
            ProbeAssert.Outcome(strict, ProbeNames.FcntlOfdLockAcrossMounts, ProbeOutcome.Supported);
        }
        finally
        {
            glusterfs.Remount(strict: false);
        }
    }

    [Fact]
    public void The_probe_folder_is_removed_from_the_volume_after_a_cancelled_run()
    {
        glusterfs.Require();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.ThrowsAny<OperationCanceledException>(() => CapabilityProber.Run(glusterfs.MountA, glusterfs.MountB, Timeout, cancel.Token));
        ProbeAssert.NoProbeFolderLeft(glusterfs.MountA);
    }

    private IReadOnlyList<ProbeResult> Probe()
    {
        var results = CapabilityProber.Run(glusterfs.MountA, glusterfs.MountB, Timeout, CancellationToken.None);
        output.WriteLine(ProbeAssert.Describe(results));
        output.WriteLine(string.Empty);
        ProbeAssert.NoProbeFolderLeft(glusterfs.MountA);
        return results;
    }
}
