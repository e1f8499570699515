using System;
using System.Globalization;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Repair;

/// <summary>
/// What fstat/fstatat said about one file: identity (device, inode), type and permission bits, owner, size, link count
/// and the three times to the nanosecond. Repairs keep the owner, mode and times of what they quarantine, and compare
/// identity, size, mtime and ctime before touching an original, so a file changed or swapped since it was read is
/// never overwritten.
/// </summary>
public sealed class FileStatus
{
    internal FileStatus(in Libc.stat_t st)
    {
        Device = st.st_dev;
        Inode = st.st_ino;
        Mode = st.st_mode;
        Uid = st.st_uid;
        Gid = st.st_gid;
        Size = st.st_size;
        LinkCount = st.st_nlink;
        AccessTime = st.st_atim;
        ModifyTime = st.st_mtim;
        ChangeTime = st.st_ctim;
    }

    /// <summary>st_dev.</summary>
    public ulong Device { get; }

    /// <summary>st_ino.</summary>
    public ulong Inode { get; }

    /// <summary>st_mode: type and permission bits.</summary>
    public uint Mode { get; }

    /// <summary>The permission bits alone (07777).</summary>
    public uint Permissions => Mode & 0xFFF;

    /// <summary>st_uid.</summary>
    public uint Uid { get; }

    /// <summary>st_gid.</summary>
    public uint Gid { get; }

    /// <summary>st_size.</summary>
    public long Size { get; }

    /// <summary>st_nlink.</summary>
    public ulong LinkCount { get; }

    /// <summary>Whether it is a regular file.</summary>
    public bool IsRegularFile => Libc.IsRegular(Mode);

    /// <summary>Whether it is a directory.</summary>
    public bool IsDirectory => Libc.IsDirectory(Mode);

    /// <summary>Whether it is a symbolic link (only an lstat-like call can say so).</summary>
    public bool IsSymbolicLink => Libc.IsSymlink(Mode);

    /// <summary>Last modification, UTC.</summary>
    public DateTimeOffset LastWriteTimeUtc => ToDateTime(ModifyTime);

    /// <summary>Last access, UTC.</summary>
    public DateTimeOffset LastAccessTimeUtc => ToDateTime(AccessTime);

    internal Libc.timespec_t AccessTime { get; }

    internal Libc.timespec_t ModifyTime { get; }

    internal Libc.timespec_t ChangeTime { get; }

    /// <summary>The mode as octal text, e.g. <c>0600</c>.</summary>
    public string OctalPermissions => "0" + Convert.ToString(Permissions, 8).PadLeft(3, '0');

    /// <summary>
    /// Whether <paramref name="other"/> is the same file in the same state: same device and inode, size, mtime and
    /// ctime (a write or a chmod changes ctime, so an in-place change is seen even when size and mtime were restored).
    /// </summary>
    public bool SameFileAndContent(FileStatus other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Device == other.Device && Inode == other.Inode && Size == other.Size &&
            ModifyTime.tv_sec == other.ModifyTime.tv_sec && ModifyTime.tv_nsec == other.ModifyTime.tv_nsec &&
            ChangeTime.tv_sec == other.ChangeTime.tv_sec && ChangeTime.tv_nsec == other.ChangeTime.tv_nsec;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Size} bytes, {Uid}:{Gid} {OctalPermissions}, inode {Device}:{Inode}");

    private static DateTimeOffset ToDateTime(Libc.timespec_t t) =>
        DateTimeOffset.FromUnixTimeSeconds(t.tv_sec).AddTicks(t.tv_nsec / 100);
}
