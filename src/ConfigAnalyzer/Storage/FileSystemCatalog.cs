using System;
using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>
/// What each kind of filesystem can do for Dovecot, taking mount options into account (NFS version, nolock,
/// local_lock). Facts from Dovecot's documentation and from measurements on this project's test beds.
/// </summary>
public static class FileSystemCatalog
{
    private const string DocNfs = "Dovecot documentation, NFS (doc.dovecot.org/main/core/config/nfs.html)";
    private const string WikiSharedDisk = "Dovecot wiki, MailLocation/SharedDisk (wiki2.dovecot.org/MailLocation/SharedDisk)";
    private const string NfsMan = "nfs(5): vers=, nolock, local_lock=, actimeo=";
    private const string FlockMan = "flock(2), NOTES: NFS clients emulate flock() with whole-file fcntl locks since Linux 2.6.12";
    private const string Measured = "MailStorage test beds (shared/reference/filesystems.md): GlusterFS 10.3 with two FUSE clients, sshfs, bindfs";

    /// <summary>Maps a profile's or mountinfo's type name (nfs4, fuse.glusterfs, smb3, ...) to a kind.</summary>
    public static FileSystemKind ParseKind(string typeName)
    {
        string t = (typeName ?? string.Empty).Trim().ToLowerInvariant();
        switch (t)
        {
            case "nfs": return FileSystemKind.Nfs;
            case "nfs2": return FileSystemKind.Nfs2;
            case "nfs3": return FileSystemKind.Nfs3;
            case "nfs4": return FileSystemKind.Nfs4;
            case "cifs":
            case "smb":
            case "smbfs": return FileSystemKind.Cifs;
            case "smb2":
            case "smb3": return FileSystemKind.Smb3;
            case "gfs2": return FileSystemKind.Gfs2;
            case "ocfs2": return FileSystemKind.Ocfs2;
            case "glusterfs":
            case "fuse.glusterfs": return FileSystemKind.GlusterFs;
            case "ext2":
            case "ext3":
            case "ext4": return FileSystemKind.Ext4;
            case "xfs": return FileSystemKind.Xfs;
            case "btrfs": return FileSystemKind.Btrfs;
            case "zfs": return FileSystemKind.Zfs;
            case "tmpfs":
            case "ramfs": return FileSystemKind.Tmpfs;
            case "overlay":
            case "overlayfs": return FileSystemKind.Overlay;
        }

        return t == "fuse" || t.StartsWith("fuse.", StringComparison.Ordinal) || t == "fuseblk" ? FileSystemKind.Fuse : FileSystemKind.Unknown;
    }

    /// <summary>The traits of a mount: its kind, refined by the mount options that change what it can do.</summary>
    public static FileSystemTraits Describe(FileSystemKind kind, IReadOnlyCollection<string> options)
    {
        options ??= Array.Empty<string>();
        if (kind == FileSystemKind.Nfs)
        {
            string? vers = OptionValue(options, "vers") ?? OptionValue(options, "nfsvers");
            kind = vers == null ? FileSystemKind.Nfs3 : vers.StartsWith("4", StringComparison.Ordinal) ? FileSystemKind.Nfs4 : vers == "2" ? FileSystemKind.Nfs2 : FileSystemKind.Nfs3;
        }

        var traits = Base(kind);
        if (kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4)
        {
            string? localLock = OptionValue(options, "local_lock");
            if (HasOption(options, "nolock") || localLock == "all")
            {
                traits.Fcntl = CrossHostLocking.No;
                traits.Flock = CrossHostLocking.No;
            }
            else if (localLock == "posix")
            {
                traits.Fcntl = CrossHostLocking.No;
            }
            else if (localLock == "flock")
            {
                traits.Flock = CrossHostLocking.No;
            }
        }

        return traits;
    }

    /// <summary>The value of a <c>name=value</c> mount option, or null.</summary>
    public static string? OptionValue(IEnumerable<string> options, string name)
    {
        foreach (var option in options)
        {
            int eq = option.IndexOf('=');
            if (eq > 0 && string.Equals(option.Substring(0, eq).Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return option.Substring(eq + 1).Trim();
            }
        }

        return null;
    }

    /// <summary>Whether a flag option such as <c>nolock</c> is present.</summary>
    public static bool HasOption(IEnumerable<string> options, string name)
    {
        foreach (var option in options)
        {
            if (string.Equals(option.Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static FileSystemTraits Base(FileSystemKind kind)
    {
        switch (kind)
        {
            case FileSystemKind.Nfs2:
            case FileSystemKind.Nfs3:
                return new FileSystemTraits(kind, kind == FileSystemKind.Nfs2 ? "NFSv2" : "NFSv3")
                {
                    Shared = true,
                    MmapCoherent = false,
                    Fcntl = CrossHostLocking.WithLockd,
                    Flock = CrossHostLocking.WithLockd,
                    ExclusiveCreateAtomic = kind != FileSystemKind.Nfs2,
                    StaleAttributes = true,
                    Sources = new[] { DocNfs, NfsMan, FlockMan },
                };
            case FileSystemKind.Nfs4:
                return new FileSystemTraits(kind, "NFSv4")
                {
                    Shared = true,
                    MmapCoherent = false,
                    Fcntl = CrossHostLocking.Yes,
                    Flock = CrossHostLocking.Yes,
                    StaleAttributes = true,
                    Sources = new[] { DocNfs, NfsMan, FlockMan },
                };
            case FileSystemKind.Cifs:
            case FileSystemKind.Smb3:
                return new FileSystemTraits(kind, kind == FileSystemKind.Cifs ? "CIFS" : "SMB3")
                {
                    Shared = true,
                    MmapCoherent = false,
                    Fcntl = CrossHostLocking.No,
                    Flock = CrossHostLocking.No,
                    ColonInNames = false,
                    RenameOpenFiles = false,
                    StaleAttributes = true,
                    Sources = new[] { WikiSharedDisk, "Samba 4.17 on loopback: names with ':' refused (NT_STATUS_OBJECT_NAME_INVALID)" },
                };
            case FileSystemKind.Gfs2:
            case FileSystemKind.Ocfs2:
                return new FileSystemTraits(kind, kind == FileSystemKind.Gfs2 ? "GFS2" : "OCFS2")
                {
                    Shared = true,
                    MmapCoherent = false,
                    Fcntl = CrossHostLocking.Yes,
                    Flock = CrossHostLocking.Yes,
                    Sources = new[] { WikiSharedDisk },
                };
            case FileSystemKind.GlusterFs:
                return new FileSystemTraits(kind, "GlusterFS")
                {
                    Shared = true,
                    MmapCoherent = false,
                    Fcntl = CrossHostLocking.Yes,
                    Flock = CrossHostLocking.Yes,
                    StaleAttributes = true,
                    Sources = new[] { WikiSharedDisk, Measured },
                };
            case FileSystemKind.Fuse:
                return new FileSystemTraits(kind, "FUSE")
                {
                    Shared = true,
                    MmapCoherent = false,
                    Fcntl = CrossHostLocking.No,
                    Flock = CrossHostLocking.No,
                    StaleAttributes = true,
                    Sources = new[] { WikiSharedDisk, Measured + ": sshfs and bindfs grant locks no other client sees" },
                };
            case FileSystemKind.Tmpfs:
                return new FileSystemTraits(kind, "tmpfs") { Durable = false, Sources = new[] { Measured } };
            case FileSystemKind.Unknown:
                return new FileSystemTraits(kind, "unknown filesystem") { Sources = Array.Empty<string>() };
            default:
                return new FileSystemTraits(kind, kind.ToString().ToLowerInvariant()) { Sources = new[] { Measured } };
        }
    }
}
