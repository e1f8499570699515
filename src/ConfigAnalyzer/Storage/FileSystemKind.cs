namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>The kinds of filesystem a storage profile can name.</summary>
public enum FileSystemKind
{
    /// <summary>Not known to the catalog.</summary>
    Unknown,
    /// <summary>NFS, version from the <c>vers=</c> option (3 when absent, as Linux mounts).</summary>
    Nfs,
    /// <summary>NFS version 2.</summary>
    Nfs2,
    /// <summary>NFS version 3.</summary>
    Nfs3,
    /// <summary>NFS version 4.x.</summary>
    Nfs4,
    /// <summary>CIFS (SMB1).</summary>
    Cifs,
    /// <summary>SMB 2 or 3.</summary>
    Smb3,
    /// <summary>GFS2 cluster filesystem.</summary>
    Gfs2,
    /// <summary>OCFS2 cluster filesystem.</summary>
    Ocfs2,
    /// <summary>GlusterFS through its FUSE client.</summary>
    GlusterFs,
    /// <summary>Another FUSE filesystem (sshfs, bindfs, ...).</summary>
    Fuse,
    /// <summary>ext2/3/4.</summary>
    Ext4,
    /// <summary>XFS.</summary>
    Xfs,
    /// <summary>Btrfs.</summary>
    Btrfs,
    /// <summary>ZFS.</summary>
    Zfs,
    /// <summary>tmpfs (memory, host-local, gone at reboot).</summary>
    Tmpfs,
    /// <summary>overlayfs (containers).</summary>
    Overlay,
}
