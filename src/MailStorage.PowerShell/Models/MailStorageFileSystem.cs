using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.FileSystems;

namespace MailStorage.PowerShell;

/// <summary>
/// The filesystem a path is on, as <c>Get-MailStorageFileSystem</c> reports it: the mount, the kind, the
/// names and numbers it was detected by, and what the filesystem catalog knows that kind can do.
/// </summary>
/// <remarks>
/// The properties of ConfigAnalyzer's enum types read through <see cref="traits"/>: a field of such a type would be
/// loaded with this type when PowerShell lists the module's types, before the module's load context can resolve
/// ConfigAnalyzer.
/// </remarks>
public sealed class MailStorageFileSystem
{
    private readonly FileSystemTraits traits;

    internal MailStorageFileSystem(DetectedFileSystem detected)
    {
        traits = detected.Traits;
        Path = detected.Path;
        MountPoint = detected.MountPoint;
        Subtype = detected.Subtype;
        FsTypeName = detected.FsTypeName;
        Magic = detected.MagicHex;
        Source = detected.Source;
        Options = detected.Options.ToArray();
        IsBindMount = detected.IsBindMount;
        Description = traits.Description;
        Shared = traits.Shared;
        Durable = traits.Durable;
        MmapCoherent = traits.MmapCoherent;
        ExclusiveCreateAtomic = traits.ExclusiveCreateAtomic;
        ColonInNames = traits.ColonInNames;
        StaleAttributes = traits.StaleAttributes;
        Sources = traits.Sources;
    }

    /// <summary>The path asked about, absolute.</summary>
    public string Path { get; }

    /// <summary>Where its filesystem is mounted (the longest mount point containing it).</summary>
    public string MountPoint { get; }

    /// <summary>The kind: Nfs3, Nfs4, Cifs, Smb3, Gfs2, Ocfs2, GlusterFs, Fuse, Ext4, Xfs, Btrfs, Tmpfs, ...</summary>
    public FileSystemKind Type => traits.Kind;

    /// <summary>The FUSE subtype (<c>glusterfs</c>, <c>sshfs</c>) of a <c>fuse.*</c> mount; null otherwise.</summary>
    public string? Subtype { get; }

    /// <summary>The type name in /proc/self/mountinfo (<c>ext4</c>, <c>nfs4</c>, <c>fuse.glusterfs</c>).</summary>
    public string FsTypeName { get; }

    /// <summary>statfs's f_type as <c>0x</c> and eight hex digits (every FUSE filesystem is 0x65735546).</summary>
    public string Magic { get; }

    /// <summary>What is mounted: a device, <c>server:/export</c>, <c>host:/volume</c>.</summary>
    public string Source { get; }

    /// <summary>Mount options followed by the superblock options (NFS's vers=, btrfs's subvol=).</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>The mount shows a folder of its filesystem, not its root (a btrfs subvolume is not a bind mount).</summary>
    public bool IsBindMount { get; }

    /// <summary>The catalog's short name for the kind, e.g. NFSv4.</summary>
    public string Description { get; }

    /// <summary>Several hosts can mount the same data.</summary>
    public bool Shared { get; }

    /// <summary>Data survives a reboot (false for tmpfs).</summary>
    public bool Durable { get; }

    /// <summary>A mapping sees writes made through another client (Dovecot's mmap_disable = no is safe).</summary>
    public bool MmapCoherent { get; }

    /// <summary>Whether fcntl locks exclude other hosts (NotShared for local filesystems).</summary>
    public CrossHostLocking FcntlAcrossHosts => traits.Fcntl;

    /// <summary>Whether flock locks exclude other hosts (NotShared for local filesystems).</summary>
    public CrossHostLocking FlockAcrossHosts => traits.Flock;

    /// <summary>O_CREAT|O_EXCL is atomic, so dotlock_use_excl = yes is safe.</summary>
    public bool ExclusiveCreateAtomic { get; }

    /// <summary>File names may contain ':' (Maildir flags).</summary>
    public bool ColonInNames { get; }

    /// <summary>Other clients see attribute and directory changes late.</summary>
    public bool StaleAttributes { get; }

    /// <summary>Where the catalog's facts come from.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <inheritdoc />
    public override string ToString() => Path + ": " + FsTypeName + " on " + MountPoint;
}
