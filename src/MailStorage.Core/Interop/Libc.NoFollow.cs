using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Interop;

internal static partial class Libc
{
    /// <summary>
    /// Opening a file in a folder other users can write, for reading only, without being led elsewhere: a symlink
    /// planted in place of the file is not followed (O_NOFOLLOW makes open fail with ELOOP), and a FIFO planted there
    /// does not block the open (O_NONBLOCK); the caller then checks with fstat that it got a regular file.
    /// </summary>
    internal static class NoFollow
    {
        /// <summary>O_NONBLOCK (x86_64 and aarch64 Linux).</summary>
        internal const int O_NONBLOCK = 0x800;

        /// <summary>S_IFMT: the file type bits of st_mode.</summary>
        internal const uint S_IFMT = 0xF000;

        /// <summary>S_IFREG: a regular file.</summary>
        internal const uint S_IFREG = 0x8000;

        /// <summary>S_IFLNK: a symbolic link.</summary>
        internal const uint S_IFLNK = 0xA000;

        /// <summary>
        /// open(path, O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC), retried on EINTR. Returns the handle, or null with
        /// <paramref name="errno"/> set for ENOENT (gone) and ELOOP (a symlink); other failures throw naming the path.
        /// </summary>
        internal static SafeFileHandle? OpenForReading(string path, out int errno)
        {
            int fd;
            do
            {
                fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
            }
            while (fd < 0 && LastErrno == EINTR);
            if (fd >= 0)
            {
                errno = 0;
                return new SafeFileHandle(fd, ownsHandle: true);
            }

            errno = LastErrno;
            if (errno is ENOENT or ELOOP)
            {
                return null;
            }

            throw Failure("open", path, errno);
        }

        /// <summary>The type bits (S_IFMT) and size of an open file, from fstat.</summary>
        internal static (uint Type, long Size) TypeAndSize(SafeFileHandle handle, string path)
        {
            stat_t st = Fstat(handle, path);
            return (st.st_mode & S_IFMT, st.st_size);
        }

        /// <summary>What identifies an open file's content at one moment, from fstat.</summary>
        internal static FileStamp Stamp(SafeFileHandle handle, string path) => FileStamp.Of(Fstat(handle, path));

        private static stat_t Fstat(SafeFileHandle handle, string path)
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                int result;
                stat_t st;
                do
                {
                    result = fstat((int)handle.DangerousGetHandle(), out st);
                }
                while (result < 0 && LastErrno == EINTR);
                Check(result, "fstat", path);
                return st;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>The stamp of what <paramref name="path"/> names now (a symlink itself, not followed), or null when nothing.</summary>
        internal static FileStamp? StampOfLink(string path) => Lstat(path, out stat_t st) ? FileStamp.Of(st) : null;

        /// <summary>lstat's type bits (S_IFMT) of a path, or 0 when it does not exist.</summary>
        internal static uint TypeOfLink(string path) => Lstat(path, out stat_t st) ? st.st_mode & S_IFMT : 0;

        /// <summary>lstat(2), retried on EINTR: false when nothing is there (ENOENT, ENOTDIR); other errors throw.</summary>
        private static bool Lstat(string path, out stat_t st)
        {
            int result;
            do
            {
                result = lstat(path, out st);
            }
            while (result < 0 && LastErrno == EINTR);
            if (result == 0)
            {
                return true;
            }

            int errno = LastErrno;
            return errno is ENOENT or ENOTDIR ? false : throw Failure("lstat", path, errno);
        }
    }
}

/// <summary>
/// A file's identity (device and inode) and the attributes any write or rename changes (size, mtime and ctime to the
/// nanosecond): equal stamps before and after a read mean the read saw one version of the file.
/// </summary>
internal readonly record struct FileStamp(ulong Device, ulong Inode, long Size, long MtimeSeconds, long MtimeNanoseconds, long CtimeSeconds, long CtimeNanoseconds)
{
    /// <summary>Whether both stamps name the same file (device and inode), whatever its content.</summary>
    internal bool SameFile(FileStamp other) => Device == other.Device && Inode == other.Inode;

    internal static FileStamp Of(in Libc.stat_t st) =>
        new(st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}
