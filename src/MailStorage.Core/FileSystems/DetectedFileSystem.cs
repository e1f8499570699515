using System.Collections.Generic;
using System.Globalization;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// The filesystem a path is on, as this host sees it: the mount (from <c>/proc/self/mountinfo</c>), the kind
/// (<see cref="FileSystemKind"/>), the magic number <c>statfs</c> reports, and what the catalog knows it can do.
/// </summary>
public sealed class DetectedFileSystem
{
    internal DetectedFileSystem(string path, string resolvedPath, bool pathExists, MountInfoEntry? mount, long magic, FileSystemKind kind, string fsTypeName, string? subtype, IReadOnlyList<string> options, FileSystemTraits traits)
    {
        Path = path;
        ResolvedPath = resolvedPath;
        PathExists = pathExists;
        Mount = mount;
        Magic = magic;
        Kind = kind;
        FsTypeName = fsTypeName;
        Subtype = subtype;
        Options = options;
        Traits = traits;
    }

    /// <summary>The path asked about, made absolute.</summary>
    public string Path { get; }

    /// <summary>
    /// The path that was looked at: <see cref="Path"/> with symbolic links resolved, or, when detection walked up
    /// from a path that does not exist yet, its nearest existing folder.
    /// </summary>
    public string ResolvedPath { get; }

    /// <summary>False when <see cref="Path"/> did not exist and its nearest existing folder was looked at instead.</summary>
    public bool PathExists { get; }

    /// <summary>The mountinfo entry the path is on; null only when mountinfo lists no mount containing it.</summary>
    public MountInfoEntry? Mount { get; }

    /// <summary>Where the filesystem is mounted (the longest mount point containing the path).</summary>
    public string MountPoint => Mount?.MountPoint ?? "/";

    /// <summary>
    /// The kind: from mountinfo's type (<c>fuse.glusterfs</c> is GlusterFs, other <c>fuse.*</c> Fuse), NFS refined
    /// by its <c>vers=</c> option to Nfs2, Nfs3 or Nfs4.
    /// </summary>
    public FileSystemKind Kind { get; }

    /// <summary>mountinfo's type name (<c>ext4</c>, <c>nfs4</c>, <c>fuse.glusterfs</c>); from the magic when mountinfo has none.</summary>
    public string FsTypeName { get; }

    /// <summary><c>statfs</c>'s <c>f_type</c>. Every FUSE filesystem has the same one (0x65735546).</summary>
    public long Magic { get; }

    /// <summary><see cref="Magic"/> as <c>0x</c> and eight hex digits.</summary>
    public string MagicHex => "0x" + Magic.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>The mounted source: a device, <c>server:/export</c>, <c>host:/volume</c>.</summary>
    public string Source => Mount?.Source ?? string.Empty;

    /// <summary>The per-mount options followed by the superblock options not already among them.</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>The FUSE subtype (<c>glusterfs</c>, <c>sshfs</c>) of a <c>fuse.*</c> type; null otherwise.</summary>
    public string? Subtype { get; }

    /// <summary>The mount shows a folder of its filesystem rather than its root (btrfs subvolumes do not count).</summary>
    public bool IsBindMount => Mount?.IsBindMount ?? false;

    /// <summary>What the catalog knows this kind, with these options, can do.</summary>
    public FileSystemTraits Traits { get; }

    /// <inheritdoc />
    public override string ToString() => Path + ": " + FsTypeName + " on " + MountPoint + " (" + Source + ")";
}
