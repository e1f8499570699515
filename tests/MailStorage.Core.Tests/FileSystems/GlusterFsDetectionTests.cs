using System.IO;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.FileSystems;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.FileSystems;

/// <summary>
/// Both FUSE clients of the GlusterFS test bed (tests/testbeds/glusterfs.sh) are detected as GlusterFS, not just
/// FUSE: their magic is every FUSE filesystem's, only mountinfo's type tells them apart.
/// </summary>
[Collection(GlusterFsTestBed.Name)]
public sealed class GlusterFsDetectionTests
{
    private readonly GlusterFsFixture bed;

    public GlusterFsDetectionTests(GlusterFsFixture bed)
    {
        this.bed = bed;
    }

    [Fact]
    public void Both_clients_are_GlusterFS()
    {
        bed.Require();
        foreach (var mount in new[] { bed.MountA, bed.MountB })
        {
            string folder = Path.Combine(mount, "detect-" + Path.GetFileName(mount));
            Directory.CreateDirectory(folder);
            try
            {
                var fs = FileSystemDetector.Detect(folder);
                Assert.Equal(FileSystemKind.GlusterFs, fs.Kind);
                Assert.Equal("fuse.glusterfs", fs.FsTypeName);
                Assert.Equal("glusterfs", fs.Subtype);
                Assert.Equal(FileSystemMagic.Fuse, fs.Magic);
                Assert.Equal(mount, fs.MountPoint);
                Assert.Matches(":/?mailvol$", fs.Source);
                Assert.False(fs.IsBindMount);
                Assert.True(fs.Traits.Shared);
                Assert.False(fs.Traits.MmapCoherent);
                Assert.Equal(CrossHostLocking.Yes, fs.Traits.Fcntl);
            }
            finally
            {
                Directory.Delete(folder);
            }
        }
    }
}
