using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.FileSystems.Probes;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.FileSystems.Probes;

/// <summary>Probes on storage made on this host: a tmpfs with a bind mount, bindfs, and bad input.</summary>
public sealed class CapabilityProberLocalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly ITestOutputHelper output;

    public CapabilityProberLocalTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_bind_mount_of_tmpfs_is_coherent_in_every_probe()
    {
        using var pair = LocalMountPair.TmpfsWithBind();
        var results = CapabilityProber.Run(pair.A, pair.B, Timeout, CancellationToken.None);
        output.WriteLine(ProbeAssert.Describe(results));

        Assert.Equal(ProbeNames.All, results.Select(r => r.Name));
        var notSupported = results.Where(r => r.Result != ProbeOutcome.Supported).ToList();
        Assert.True(notSupported.Count == 0, "not Supported on a tmpfs bind mount:\n" + ProbeAssert.Describe(notSupported));
        Assert.True(ProbeAssert.Figure(ProbeAssert.Get(results, ProbeNames.AttributeStaleness), "size visible after ms") < 50);
        Assert.True(ProbeAssert.Figure(ProbeAssert.Get(results, ProbeNames.MmapCoherence), "write visible in mapping after ms") < 50);
        Assert.True(ProbeAssert.Figure(ProbeAssert.Get(results, ProbeNames.FcntlLockAcrossMounts), "lock wait after release ms") < 50);

        var recommendation = StorageRecommendation.From(results);
        Assert.Equal("no", recommendation["mmap_disable"]);
        Assert.Equal("fcntl", recommendation["lock_method"]);
        Assert.Equal("yes", recommendation["dotlock_use_excl"]);
        Assert.Equal("no", recommendation["mail_nfs_storage"]);
        Assert.Equal("no", recommendation["mail_nfs_index"]);
        Assert.Equal("optimized", recommendation["mail_fsync"]);
        Assert.All(recommendation.Settings, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        ProbeAssert.NoProbeFolderLeft(pair.A);
    }

    [Fact]
    public void Bindfs_without_lock_forwarding_keeps_locks_local_to_each_mount()
    {
        using var pair = LocalMountPair.TmpfsWithBindfs();
        var results = CapabilityProber.Run(pair.A, pair.B, Timeout, CancellationToken.None);
        output.WriteLine(ProbeAssert.Describe(results));

        ProbeAssert.Outcome(results, ProbeNames.FcntlOfdLock, ProbeOutcome.Supported);
        var across = ProbeAssert.Outcome(results, ProbeNames.FcntlOfdLockAcrossMounts, ProbeOutcome.Unsupported);
        Assert.Contains("both were granted", across.Detail, StringComparison.Ordinal);
        ProbeAssert.Outcome(results, ProbeNames.FcntlLockAcrossMounts, ProbeOutcome.Unsupported);
        ProbeAssert.Outcome(results, ProbeNames.FlockAcrossMounts, ProbeOutcome.Unsupported);
        Assert.Equal("dotlock", StorageRecommendation.From(results)["lock_method"]);
        ProbeAssert.NoProbeFolderLeft(pair.A);
    }

    [Fact]
    public void Without_PeerPath_the_cross_mount_probes_are_skipped_saying_why()
    {
        using var pair = LocalMountPair.TmpfsWithBind();
        var results = CapabilityProber.Run(pair.A, null, Timeout, CancellationToken.None);
        output.WriteLine(ProbeAssert.Describe(results));

        foreach (string name in new[] { ProbeNames.FcntlOfdLockAcrossMounts, ProbeNames.FcntlLockAcrossMounts, ProbeNames.FlockAcrossMounts, ProbeNames.MmapCoherence, ProbeNames.AttributeStaleness, ProbeNames.StaleHandleOnReopen })
        {
            var skipped = ProbeAssert.Outcome(results, name, ProbeOutcome.Skipped);
            Assert.Contains("no PeerPath", skipped.Detail, StringComparison.Ordinal);
        }

        ProbeAssert.Outcome(results, ProbeNames.FcntlLock, ProbeOutcome.Supported);
        ProbeAssert.Outcome(results, ProbeNames.ExclusiveCreateRace, ProbeOutcome.Supported);
        ProbeAssert.Outcome(results, ProbeNames.LinkDotlockRace, ProbeOutcome.Supported);
        var recommendation = StorageRecommendation.From(results);
        Assert.False(recommendation.TestedAcrossMounts);
        Assert.Contains("no PeerPath", recommendation.Settings.Single(s => s.Name == "mmap_disable").Reason, StringComparison.Ordinal);
        ProbeAssert.NoProbeFolderLeft(pair.A);
    }

    [Fact]
    public void A_missing_path_is_a_setup_error_naming_it()
    {
        string missing = Path.Combine("/tmp", "mailstorage-no-such-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<ProbeSetupException>(() => CapabilityProber.Run(missing, null, Timeout, CancellationToken.None));
        Assert.Equal(ProbeSetupError.PathNotFound, ex.Error);
        Assert.Equal(missing, ex.Path);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void A_file_instead_of_a_folder_is_a_setup_error_and_nothing_is_created()
    {
        using var pair = LocalMountPair.TmpfsWithBind();
        string file = Path.Combine(pair.A, "mail.txt");
        File.WriteAllText(file, "x");
        var before = Directory.GetFileSystemEntries(pair.A);
        var ex = Assert.Throws<ProbeSetupException>(() => CapabilityProber.Run(file, null, Timeout, CancellationToken.None));
        Assert.Equal(ProbeSetupError.PathIsFile, ex.Error);
        Assert.Contains("is a file", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(pair.A));

        var peer = Assert.Throws<ProbeSetupException>(() => CapabilityProber.Run(pair.A, file, Timeout, CancellationToken.None));
        Assert.Equal(ProbeSetupError.PathIsFile, peer.Error);
        Assert.Equal(before, Directory.GetFileSystemEntries(pair.A));
    }

    [Fact]
    public void A_read_only_folder_is_a_setup_error_within_the_time_bound_and_leaves_the_listing_unchanged()
    {
        using var pair = LocalMountPair.ReadOnlyBind();
        var before = Directory.GetFileSystemEntries(pair.B);
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<ProbeSetupException>(() => CapabilityProber.Run(pair.B, null, Timeout, CancellationToken.None));
        Assert.True(watch.Elapsed < Timeout, "took " + watch.Elapsed);
        Assert.Equal(ProbeSetupError.PathReadOnly, ex.Error);
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(pair.B));
        Assert.Equal(new[] { Path.Combine(pair.A, "existing.txt") }, Directory.GetFileSystemEntries(pair.A));
    }

    [Fact]
    public void A_PeerPath_on_other_storage_is_refused_and_the_probe_folder_removed()
    {
        using var pair = LocalMountPair.TmpfsWithBind();
        string other = Path.Combine(pair.Root, "elsewhere");
        Directory.CreateDirectory(other);
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<ProbeSetupException>(() => CapabilityProber.Run(pair.A, other, Timeout, CancellationToken.None));
        Assert.True(watch.Elapsed < Timeout + TimeSpan.FromSeconds(1), "took " + watch.Elapsed);
        Assert.Equal(ProbeSetupError.PeerNotSameStorage, ex.Error);
        Assert.StartsWith("PeerPath is not the same storage", ex.Message, StringComparison.Ordinal);
        ProbeAssert.NoProbeFolderLeft(pair.A);
        Assert.Empty(Directory.GetFileSystemEntries(other));
    }

    [Fact]
    public void Cancelling_stops_the_probes_and_still_removes_the_folder()
    {
        using var pair = LocalMountPair.TmpfsWithBindfs();
        using var cancel = new CancellationTokenSource();
        int started = 0;
        Thread? canceller = null;
        var progress = new SyncProgress(p =>
        {
            // Cancel in the middle of the link() race, once a racer has made its first file: two child processes are
            // running. A thread of its own, not CancelAfter(100): that timer needs a pool thread, and in a full test run
            // with the pool busy it can fire after the last probe, so nothing is cancelled (the one CI failure of this test).
            if (p.Name == ProbeNames.LinkDotlockRace)
            {
                started++;
                canceller = new Thread(() =>
                {
                    var until = Stopwatch.StartNew();
                    while (until.Elapsed < TimeSpan.FromSeconds(10) && !RacerHasStarted(pair.A))
                    {
                        Thread.Sleep(1);
                    }

                    cancel.Cancel();
                }) { IsBackground = true };
                canceller.Start();
            }
        });
        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => CapabilityProber.Run(pair.A, pair.B, TimeSpan.FromSeconds(30), cancel.Token, progress));
        canceller?.Join();
        Assert.Equal(1, started);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "took " + watch.Elapsed);
        ProbeAssert.NoProbeFolderLeft(pair.A);
    }

    private static bool RacerHasStarted(string root) =>
        Directory.GetDirectories(root, CapabilityProber.FolderPrefix + "*")
            .Any(folder => Directory.Exists(Path.Combine(folder, "link-race")) && Directory.EnumerateFiles(Path.Combine(folder, "link-race"), "link-tmp.*").Any());

    private sealed class SyncProgress : IProgress<ProbeProgress>
    {
        private readonly Action<ProbeProgress> action;

        public SyncProgress(Action<ProbeProgress> action) => this.action = action;

        public void Report(ProbeProgress value) => action(value);
    }
}
