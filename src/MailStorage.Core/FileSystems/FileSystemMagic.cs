using System.Collections.Generic;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// statfs <c>f_type</c> values (linux/magic.h, statfs(2)) of the filesystems mail is kept on. Only used to name a
/// filesystem when mountinfo lists no mount for a path: mountinfo's type is more precise (FUSE filesystems share
/// one magic).
/// </summary>
public static class FileSystemMagic
{
    /// <summary>ext2, ext3 and ext4.</summary>
    public const long Ext4 = 0xEF53;

    /// <summary>XFS.</summary>
    public const long Xfs = 0x58465342;

    /// <summary>Btrfs.</summary>
    public const long Btrfs = 0x9123683E;

    /// <summary>tmpfs.</summary>
    public const long Tmpfs = 0x01021994;

    /// <summary>NFS, every version.</summary>
    public const long Nfs = 0x6969;

    /// <summary>CIFS (SMB1).</summary>
    public const long Cifs = 0xFF534D42;

    /// <summary>SMB 2 and 3.</summary>
    public const long Smb2 = 0xFE534D42;

    /// <summary>OCFS2.</summary>
    public const long Ocfs2 = 0x7461636F;

    /// <summary>GFS2.</summary>
    public const long Gfs2 = 0x01161970;

    /// <summary>Every FUSE filesystem.</summary>
    public const long Fuse = 0x65735546;

    /// <summary>overlayfs.</summary>
    public const long Overlay = 0x794C7630;

    /// <summary>ZFS.</summary>
    public const long Zfs = 0x2FC12FC1;

    private static readonly Dictionary<long, string> Names = new()
    {
        [Ext4] = "ext4",
        [Xfs] = "xfs",
        [Btrfs] = "btrfs",
        [Tmpfs] = "tmpfs",
        [Nfs] = "nfs",
        [Cifs] = "cifs",
        [Smb2] = "smb3",
        [Ocfs2] = "ocfs2",
        [Gfs2] = "gfs2",
        [Fuse] = "fuse",
        [Overlay] = "overlay",
        [Zfs] = "zfs",
    };

    /// <summary>The type name a magic stands for (ext4, nfs, fuse ...), or null when unknown.</summary>
    public static string? TypeName(long magic) => Names.TryGetValue(magic, out var name) ? name : null;
}
