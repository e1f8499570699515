using System;
using System.Collections.Generic;
using System.IO;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.Interop;
using MailStorage.Core.Reporting;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// Tells which filesystem a path is on. The mount comes from <c>/proc/self/mountinfo</c> (the longest mount point
/// that contains the path with its symbolic links resolved; bind mounts and btrfs subvolumes included), the
/// magic number from <c>statfs</c>, and the kind from mountinfo's type name, because every FUSE filesystem has
/// the same magic and only <c>fuse.glusterfs</c> tells GlusterFS from sshfs.
/// </summary>
public static class FileSystemDetector
{
    /// <summary>
    /// Detects the filesystem of an existing path. A missing path is a <see cref="FileNotFoundException"/> naming
    /// it; other failures are exceptions naming the call, the path and errno.
    /// </summary>
    public static DetectedFileSystem Detect(string path) => Detect(path, MountInfo.ReadCurrent());

    /// <summary>As <see cref="Detect(string)"/>, telling <paramref name="log"/> what it read and found.</summary>
    public static DetectedFileSystem Detect(string path, IActivityLog? log)
    {
        IReadOnlyList<MountInfoEntry> mounts = MountInfo.ReadCurrent();
        log?.Write("Read " + MountInfo.DefaultPath + " (" + mounts.Count + " mounts)");
        DetectedFileSystem found = Detect(path, mounts);
        log?.Write("statfs(" + found.ResolvedPath + "): magic " + found.MagicHex +
            (found.Mount is { } mount ? "; mounted at " + mount.MountPoint + " as " + mount.FsType : "; no mountinfo entry covers it"));
        return found;
    }

    /// <summary>Detects the filesystem of an existing path against a mount table already read.</summary>
    public static DetectedFileSystem Detect(string path, IReadOnlyList<MountInfoEntry> mounts)
    {
        string full = FullPath(path);
        return Inspect(full, Libc.realpath(full), pathExists: true, mounts);
    }

    /// <summary>
    /// Detects the filesystem a path is on, or will be on once created: when it does not exist, its nearest
    /// existing parent folder is looked at (<see cref="DetectedFileSystem.PathExists"/> is then false). For paths
    /// taken from a configuration, such as <c>/srv/mail</c> of <c>/srv/mail/%d/%n</c>, on a host where no user
    /// has mail yet.
    /// </summary>
    public static DetectedFileSystem DetectNearest(string path) => DetectNearest(path, MountInfo.ReadCurrent());

    /// <summary>As <see cref="DetectNearest(string)"/>, against a mount table already read.</summary>
    public static DetectedFileSystem DetectNearest(string path, IReadOnlyList<MountInfoEntry> mounts)
    {
        string full = FullPath(path);
        string existing = full;
        while (!Path.Exists(existing))
        {
            // "/" always exists, so the walk ends.
            existing = Path.GetDirectoryName(existing) ?? "/";
        }

        return Inspect(full, Libc.realpath(existing), pathExists: existing == full, mounts);
    }

    private static string FullPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static DetectedFileSystem Inspect(string path, string resolved, bool pathExists, IReadOnlyList<MountInfoEntry> mounts)
    {
        long magic = Libc.statfs(resolved).f_type;
        var mount = MountInfo.FindMount(mounts, resolved);
        string typeName = mount?.FsType ?? FileSystemMagic.TypeName(magic) ?? "unknown";
        string? subtype = typeName.StartsWith("fuse.", StringComparison.Ordinal) ? typeName.Substring("fuse.".Length) : null;
        IReadOnlyList<string> options = mount?.Options ?? Array.Empty<string>();

        // Describe refines NFS by its vers= option (Nfs2, Nfs3, Nfs4) and its locking options.
        var traits = FileSystemCatalog.Describe(FileSystemCatalog.ParseKind(typeName), options);
        return new DetectedFileSystem(path, resolved, pathExists, mount, magic, traits.Kind, typeName, subtype, options, traits);
    }
}
