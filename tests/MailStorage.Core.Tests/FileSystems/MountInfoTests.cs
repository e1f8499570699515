using System.IO;
using System.Linq;
using MailStorage.Core.FileSystems;
using Xunit;

namespace MailStorage.Core.Tests.FileSystems;

public sealed class MountInfoTests
{
    // One line per case the parser must handle, as the kernel writes them.
    private const string Sample =
        "21 26 0:20 / /proc rw,relatime - proc proc rw\n" +
        "26 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard\n" +
        "40 26 0:45 / /srv/mail\\040store rw,nosuid,relatime shared:20 master:3 - tmpfs tmpfs rw,size=16384k,mode=755\n" +
        "42 26 0:51 /@home /home rw,noatime - btrfs /dev/loop3 rw,space_cache=v2,subvolid=256,subvol=/@home\n" +
        "41 42 0:45 /users/a /home/a rw,relatime - tmpfs tmpfs rw,size=16384k\n" +
        "43 26 0:51 /@home/alice /srv/alice rw,noatime - btrfs /dev/loop3 rw,space_cache=v2,subvolid=256,subvol=/@home\n" +
        "44 26 0:60 / /mnt/gluster rw,relatime - fuse.glusterfs 127.0.0.2:/mailvol rw,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072\n" +
        "45 26 0:61 / /srv/mail rw,noatime - nfs4 nfs-1:/export/mail rw,vers=4.2,rsize=1048576,hard,proto=tcp,timeo=600,local_lock=none,addr=10.0.0.5\n" +
        "46 26 0:62 / /mnt/bind rw,nosuid,nodev,relatime - fuse /srv/src rw,user_id=0,group_id=0\n" +
        "47 26 0:63 / /mnt/odd rw - tmpfs  rw\n" +
        "48 26 0:64 / /mnt/tab\\011and\\134back rw - ext4 /dev/my\\040disk rw\n";

    private static MountInfoEntry At(string mountPoint) => MountInfo.Parse(Sample, "sample").Single(m => m.MountPoint == mountPoint);

    [Fact]
    public void Reads_every_field()
    {
        var root = At("/");
        Assert.Equal(26, root.MountId);
        Assert.Equal(1, root.ParentId);
        Assert.Equal("254:0", root.Device);
        Assert.Equal("/", root.Root);
        Assert.Equal(new[] { "rw", "relatime" }, root.MountOptions);
        Assert.Equal(new[] { "shared:1" }, root.OptionalFields);
        Assert.Equal("ext4", root.FsType);
        Assert.Equal("/dev/vda", root.Source);
        Assert.Equal(new[] { "rw", "discard" }, root.SuperOptions);
        Assert.Equal(2, root.Line);
        Assert.False(root.IsBindMount);
    }

    [Fact]
    public void Undoes_octal_escapes()
    {
        var spaced = At("/srv/mail store");
        Assert.Equal(new[] { "shared:20", "master:3" }, spaced.OptionalFields);
        var odd = At("/mnt/tab\tand\\back");
        Assert.Equal("/dev/my disk", odd.Source);
        Assert.Equal("a b", MountInfo.Unescape("a\\040b"));
        Assert.Equal("\\x", MountInfo.Unescape("\\x"));
        Assert.Equal("été", MountInfo.Unescape("\\303\\251t\\303\\251"));
    }

    [Fact]
    public void Keeps_an_empty_source()
    {
        var odd = At("/mnt/odd");
        Assert.Equal("tmpfs", odd.FsType);
        Assert.Equal(string.Empty, odd.Source);
        Assert.Equal(new[] { "rw" }, odd.SuperOptions);
    }

    [Fact]
    public void Merges_mount_and_super_options_once()
    {
        var nfs = At("/srv/mail");
        Assert.Equal("nfs4", nfs.FsType);
        Assert.Equal("nfs-1:/export/mail", nfs.Source);
        Assert.Equal(new[] { "rw", "noatime", "vers=4.2", "rsize=1048576", "hard", "proto=tcp", "timeo=600", "local_lock=none", "addr=10.0.0.5" }, nfs.Options);
    }

    [Fact]
    public void Tells_bind_mounts_from_btrfs_subvolumes()
    {
        Assert.True(At("/home/a").IsBindMount);
        Assert.Equal("/users/a", At("/home/a").Root);

        var subvolume = At("/home");
        Assert.Equal("/@home", subvolume.Root);
        Assert.Contains("subvol=/@home", subvolume.SuperOptions);
        Assert.False(subvolume.IsBindMount);

        // A folder of a subvolume bind-mounted elsewhere is a bind mount.
        Assert.True(At("/srv/alice").IsBindMount);
    }

    [Fact]
    public void Reads_FUSE_types_with_their_subtype()
    {
        Assert.Equal("fuse.glusterfs", At("/mnt/gluster").FsType);
        Assert.Equal("127.0.0.2:/mailvol", At("/mnt/gluster").Source);
        Assert.Equal("fuse", At("/mnt/bind").FsType);
    }

    [Theory]
    [InlineData("/srv/mail/example.com/alice/Maildir", "/srv/mail")]
    [InlineData("/srv/mail", "/srv/mail")]
    [InlineData("/srv/mailbox", "/")]
    [InlineData("/srv/mail store/x", "/srv/mail store")]
    [InlineData("/home/a/Maildir", "/home/a")]
    [InlineData("/home/ab", "/home")]
    [InlineData("/", "/")]
    public void The_longest_mount_point_wins(string path, string mountPoint)
    {
        Assert.Equal(mountPoint, MountInfo.FindMount(MountInfo.Parse(Sample), path)!.MountPoint);
    }

    [Fact]
    public void The_mount_on_top_wins()
    {
        // /dev/shm mounted twice: the later one is what a path there is on.
        var entries = MountInfo.Parse(
            "1 1 0:1 / / rw - ext4 /dev/vda rw\n" +
            "24 1 0:22 / /dev/shm rw - tmpfs first rw\n" +
            "29 24 0:26 / /dev/shm rw - tmpfs second rw\n");
        Assert.Equal("second", MountInfo.FindMount(entries, "/dev/shm/x")!.Source);
    }

    [Fact]
    public void A_mount_over_a_parent_hides_the_mounts_below_it()
    {
        // /a/b mounted, then a new filesystem mounted over /a: /a/b is no longer reachable.
        var entries = MountInfo.Parse(
            "1 1 0:1 / / rw - ext4 /dev/vda rw\n" +
            "10 1 0:10 / /a rw - tmpfs old-a rw\n" +
            "11 10 0:11 / /a/b rw - tmpfs b rw\n" +
            "12 10 0:12 / /a rw - tmpfs new-a rw\n");
        Assert.Equal("new-a", MountInfo.FindMount(entries, "/a/b/x")!.Source);

        // Mounted in the other order, /a/b sits on the new /a and stays visible.
        var nested = MountInfo.Parse(
            "1 1 0:1 / / rw - ext4 /dev/vda rw\n" +
            "10 1 0:10 / /a rw - tmpfs a rw\n" +
            "11 10 0:11 / /a/b rw - tmpfs b rw\n");
        Assert.Equal("b", MountInfo.FindMount(nested, "/a/b/x")!.Source);
    }

    [Theory]
    [InlineData("26 1 254:0 / / rw,relatime ext4 /dev/vda rw", "expected 'id parent")]
    [InlineData("x 1 254:0 / / rw - ext4 /dev/vda rw", "mount id and parent id must be numbers")]
    [InlineData("26 1 254 / / rw - ext4 /dev/vda rw", "device must be major:minor")]
    [InlineData("26 1 254:0 / / rw shared:1 - ext4", "expected 'id parent")]
    public void A_malformed_line_names_the_file_and_line(string line, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => MountInfo.Parse("1 1 0:1 / / rw - ext4 /dev/vda rw\n" + line + "\n", "/proc/self/mountinfo"));
        Assert.StartsWith("/proc/self/mountinfo:2: ", e.Message, System.StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_this_processs_mount_table()
    {
        var entries = MountInfo.ReadCurrent();
        Assert.Contains(entries, m => m.MountPoint == "/");
        Assert.Contains(entries, m => m.MountPoint == "/proc" && m.FsType == "proc");
    }
}
