using System;
using System.Collections.Generic;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// One line of <c>/proc/self/mountinfo</c> (proc(5)), with the octal escapes (<c>\040</c> for a space ...) undone:
/// <c>36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue</c>.
/// </summary>
public sealed class MountInfoEntry
{
    internal MountInfoEntry(
        int mountId,
        int parentId,
        string device,
        string root,
        string mountPoint,
        IReadOnlyList<string> mountOptions,
        IReadOnlyList<string> optionalFields,
        string fsType,
        string source,
        IReadOnlyList<string> superOptions,
        int line)
    {
        MountId = mountId;
        ParentId = parentId;
        Device = device;
        Root = root;
        MountPoint = mountPoint;
        MountOptions = mountOptions;
        OptionalFields = optionalFields;
        FsType = fsType;
        Source = source;
        SuperOptions = superOptions;
        Line = line;
    }

    /// <summary>The mount's unique id (may be reused after an unmount).</summary>
    public int MountId { get; }

    /// <summary>The id of the parent mount (itself for the root of the namespace).</summary>
    public int ParentId { get; }

    /// <summary>The <c>st_dev</c> of files on the mount, as <c>major:minor</c>.</summary>
    public string Device { get; }

    /// <summary>
    /// The directory of the filesystem that is mounted here: <c>/</c> for a whole filesystem, a folder for a bind
    /// mount, the subvolume path (<c>/@home</c>) for a btrfs subvolume.
    /// </summary>
    public string Root { get; }

    /// <summary>Where it is mounted, relative to this process's root.</summary>
    public string MountPoint { get; }

    /// <summary>Per-mount options (rw, noatime, nosuid ...).</summary>
    public IReadOnlyList<string> MountOptions { get; }

    /// <summary>Propagation fields before the <c>-</c> separator (shared:N, master:N ...).</summary>
    public IReadOnlyList<string> OptionalFields { get; }

    /// <summary>The filesystem type, with a FUSE subtype: <c>ext4</c>, <c>nfs4</c>, <c>fuse.glusterfs</c>.</summary>
    public string FsType { get; }

    /// <summary>The filesystem-specific source: a device, <c>server:/export</c>, <c>host:/volume</c>, or <c>none</c>.</summary>
    public string Source { get; }

    /// <summary>Per-superblock options (NFS's vers=, the btrfs subvol=, ...).</summary>
    public IReadOnlyList<string> SuperOptions { get; }

    /// <summary>1-based line in the text it was read from.</summary>
    public int Line { get; }

    /// <summary>The per-mount options followed by the superblock options that are not already among them.</summary>
    public IReadOnlyList<string> Options
    {
        get
        {
            var merged = new List<string>(MountOptions);
            foreach (var option in SuperOptions)
            {
                if (!merged.Contains(option))
                {
                    merged.Add(option);
                }
            }

            return merged;
        }
    }

    /// <summary>
    /// A bind mount shows a part of a filesystem: its root is not the filesystem's root. For btrfs that root is the
    /// mounted subvolume (<c>subvol=/@home</c> has root <c>/@home</c>), which is not a bind mount.
    /// </summary>
    public bool IsBindMount
    {
        get
        {
            string fsRoot = "/";
            if (FsType == "btrfs")
            {
                foreach (var option in SuperOptions)
                {
                    if (option.StartsWith("subvol=", StringComparison.Ordinal))
                    {
                        fsRoot = option.Substring("subvol=".Length);
                    }
                }
            }

            return !string.Equals(Root, fsRoot, StringComparison.Ordinal);
        }
    }

    /// <summary>Whether <paramref name="path"/> (absolute, symbolic links resolved) is the mount point or below it.</summary>
    public bool Contains(string path) =>
        MountPoint == "/" || path == MountPoint || (path.StartsWith(MountPoint, StringComparison.Ordinal) && path.Length > MountPoint.Length && path[MountPoint.Length] == '/');

    /// <inheritdoc />
    public override string ToString() => MountPoint + " (" + FsType + " " + Source + ")";
}
