using System;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.FileSystems;
using Xunit;

namespace MailStorage.Core.Tests.FileSystems;

/// <summary>Detection on real mounts: each test mounts what it needs under /tmp and takes it down again.</summary>
public sealed class FileSystemDetectorTests
{
    [Fact]
    public void The_root_filesystem_is_what_stat_and_findmnt_say()
    {
        var fs = FileSystemDetector.Detect("/");
        long magic = long.Parse(ScratchMounts.Run("stat", "-f", "-c", "%t", "/").Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        string[] findmnt = ScratchMounts.Run("findmnt", "-n", "-o", "FSTYPE,SOURCE,TARGET", "/").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(magic, fs.Magic);
        Assert.Equal(findmnt[0], fs.FsTypeName);
        Assert.Equal(findmnt[1], fs.Source);
        Assert.Equal("/", fs.MountPoint);
        Assert.Equal(FileSystemCatalog.ParseKind(findmnt[0]), fs.Kind);
        Assert.True(fs.PathExists);
        Assert.Equal("/", fs.Path);
        Assert.Matches("^0x[0-9A-F]{8}$", fs.MagicHex);
        Assert.False(fs.IsBindMount);
    }

    [Fact]
    public void Tmpfs()
    {
        using var scratch = new ScratchMounts();
        string dir = scratch.Tmpfs("tmpfs");
        File.WriteAllText(Path.Combine(dir, "file"), "x");
        var fs = FileSystemDetector.Detect(Path.Combine(dir, "file"));
        Assert.Equal(FileSystemKind.Tmpfs, fs.Kind);
        Assert.Equal("tmpfs", fs.FsTypeName);
        Assert.Equal(FileSystemMagic.Tmpfs, fs.Magic);
        Assert.Equal("0x01021994", fs.MagicHex);
        Assert.Equal(dir, fs.MountPoint);
        Assert.Equal("mailstorage-test", fs.Source);
        Assert.Contains("size=16384k", fs.Options);
        Assert.False(fs.IsBindMount);
        Assert.False(fs.Traits.Durable);
        Assert.Null(fs.Subtype);
    }

    [Fact]
    public void Loop_XFS()
    {
        ScratchMounts.Require("mkfs.xfs");
        using var scratch = new ScratchMounts();
        string dir = scratch.LoopImage("xfs", "mkfs.xfs");
        var fs = FileSystemDetector.Detect(dir);
        Assert.Equal(FileSystemKind.Xfs, fs.Kind);
        Assert.Equal("xfs", fs.FsTypeName);
        Assert.Equal(FileSystemMagic.Xfs, fs.Magic);
        Assert.Equal(dir, fs.MountPoint);
        Assert.StartsWith("/dev/loop", fs.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Loop_btrfs()
    {
        ScratchMounts.Require("mkfs.btrfs");
        using var scratch = new ScratchMounts();
        string dir = scratch.LoopImage("btrfs", "mkfs.btrfs");
        Directory.CreateDirectory(Path.Combine(dir, "a/b"));
        var fs = FileSystemDetector.Detect(Path.Combine(dir, "a/b"));
        Assert.Equal(FileSystemKind.Btrfs, fs.Kind);
        Assert.Equal("btrfs", fs.FsTypeName);
        Assert.Equal(FileSystemMagic.Btrfs, fs.Magic);
        Assert.Equal(dir, fs.MountPoint);
        Assert.False(fs.IsBindMount);
    }

    [Fact]
    public void Btrfs_subvolume_mounted_with_subvol()
    {
        ScratchMounts.Require("mkfs.btrfs", "btrfs");
        using var scratch = new ScratchMounts();
        string top = scratch.LoopImage("btrfs-top", "mkfs.btrfs");
        ScratchMounts.Run("btrfs", "-q", "subvolume", "create", Path.Combine(top, "@home"));
        Directory.CreateDirectory(Path.Combine(top, "@home", "alice"));
        string device = FileSystemDetector.Detect(top).Source;
        string home = scratch.MountAt("home", device, "subvol=/@home");

        var fs = FileSystemDetector.Detect(Path.Combine(home, "alice"));
        Assert.Equal(home, fs.MountPoint);
        Assert.Equal(FileSystemKind.Btrfs, fs.Kind);
        Assert.Equal("/@home", fs.Mount!.Root);
        Assert.Contains("subvol=/@home", fs.Options);
        Assert.False(fs.IsBindMount, "a subvolume mounted with subvol= is not a bind mount");

        // The subvolume's files report a device number of their own, which mountinfo does not list: detection
        // works by path.
        var mountinfoDevices = MountInfo.ReadCurrent().Select(m => m.Device).ToHashSet();
        string statDevice = ScratchMounts.Run("stat", "-c", "%Hd:%Ld", Path.Combine(home, "alice")).Trim();
        Assert.DoesNotContain(statDevice, mountinfoDevices);

        // The subvolume seen through the top-level mount is on that mount.
        Assert.Equal(top, FileSystemDetector.Detect(Path.Combine(top, "@home", "alice")).MountPoint);
    }

    [Fact]
    public void Bind_mount_of_a_tmpfs_folder()
    {
        using var scratch = new ScratchMounts();
        string tmpfs = scratch.Tmpfs("tmpfs");
        string folder = Path.Combine(tmpfs, "users", "alice");
        Directory.CreateDirectory(folder);
        string bound = scratch.Bind("bound", folder);
        File.WriteAllText(Path.Combine(bound, "file"), "x");

        var fs = FileSystemDetector.Detect(Path.Combine(bound, "file"));
        Assert.Equal(bound, fs.MountPoint);
        Assert.True(fs.IsBindMount);
        Assert.Equal("/users/alice", fs.Mount!.Root);
        Assert.Equal(FileSystemKind.Tmpfs, fs.Kind);
        Assert.Equal(FileSystemMagic.Tmpfs, fs.Magic);

        var original = FileSystemDetector.Detect(folder);
        Assert.Equal(tmpfs, original.MountPoint);
        Assert.False(original.IsBindMount);
    }

    [Fact]
    public void A_symbolic_link_is_followed_to_its_mount()
    {
        using var scratch = new ScratchMounts();
        string tmpfs = scratch.Tmpfs("tmpfs");
        string link = Path.Combine(scratch.Folder("links"), "to-tmpfs");
        File.CreateSymbolicLink(link, tmpfs);
        var fs = FileSystemDetector.Detect(link);
        Assert.Equal(link, fs.Path);
        Assert.Equal(tmpfs, fs.ResolvedPath);
        Assert.Equal(tmpfs, fs.MountPoint);
    }

    [Fact]
    public void A_missing_path_is_file_not_found_naming_it()
    {
        string missing = "/tmp/mailstorage-no-such-" + Guid.NewGuid().ToString("N") + "/x";
        var e = Assert.Throws<FileNotFoundException>(() => FileSystemDetector.Detect(missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("errno 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(missing, e.FileName);
    }

    [Fact]
    public void Detect_nearest_walks_up_to_the_nearest_existing_folder()
    {
        using var scratch = new ScratchMounts();
        string tmpfs = scratch.Tmpfs("tmpfs");
        string future = Path.Combine(tmpfs, "example.com", "alice", "Maildir");
        var fs = FileSystemDetector.DetectNearest(future);
        Assert.Equal(future, fs.Path);
        Assert.False(fs.PathExists);
        Assert.Equal(tmpfs, fs.ResolvedPath);
        Assert.Equal(tmpfs, fs.MountPoint);
        Assert.Equal(FileSystemKind.Tmpfs, fs.Kind);

        Assert.True(FileSystemDetector.DetectNearest(tmpfs).PathExists);
    }
}
