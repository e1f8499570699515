using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// fcntl.h, unistd.h, stdio.h, sys/stat.h: opening, linking, renaming, removing, reading and writing files by
// descriptor, as Dovecot does on shared storage.
internal static partial class Libc
{
    // x86_64 values (asm-generic): a test compares them with the C headers.
    internal const int O_RDONLY = 0x0;
    internal const int O_WRONLY = 0x1;
    internal const int O_RDWR = 0x2;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_TRUNC = 0x200;
    internal const int O_APPEND = 0x400;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_NOFOLLOW = 0x20000;
    internal const int O_NOATIME = 0x40000;
    internal const int O_CLOEXEC = 0x80000;

    /// <summary>open(2) of a directory: an unnamed file in it, which linkat(2) can name later (__O_TMPFILE | O_DIRECTORY).</summary>
    internal const int O_TMPFILE = 0x410000;

    /// <summary>fchown/chown's "leave unchanged" owner and group: (uid_t)-1.</summary>
    internal const uint NoChange = uint.MaxValue;

    /// <summary>A timestamp, <c>struct timespec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct timespec_t
    {
        public long tv_sec;
        public long tv_nsec;

        /// <summary>Milliseconds since the epoch.</summary>
        internal readonly double UnixMilliseconds => tv_sec * 1000.0 + tv_nsec / 1_000_000.0;
    }

    /// <summary><c>struct stat</c> of glibc on x86_64; checked against the C compiler by a test.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct stat_t
    {
        public ulong st_dev;
        public ulong st_ino;
        public ulong st_nlink;
        public uint st_mode;
        public uint st_uid;
        public uint st_gid;
        private int pad0;
        public ulong st_rdev;
        public long st_size;
        public long st_blksize;
        public long st_blocks;
        public timespec_t st_atim;
        public timespec_t st_mtim;
        public timespec_t st_ctim;
        private fixed long reserved[3];
    }

    /// <summary>open(2): a descriptor, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags, uint mode);

    /// <summary>close(2).</summary>
    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    internal static partial int close(int fd);

    /// <summary>link(2): a second name for a file; the dotlock primitive of <c>dotlock_use_excl=no</c>.</summary>
    [LibraryImport(Name, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int link(string oldpath, string newpath);

    /// <summary>linkat's flag: follow a symbolic link given as the old name (/proc/self/fd/N names an open file so).</summary>
    internal const int AT_SYMLINK_FOLLOW = 0x400;

    /// <summary>linkat(2): names an O_TMPFILE file through /proc/self/fd/N; fails with EEXIST when the new name exists.</summary>
    [LibraryImport(Name, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    /// <summary>rename(2).</summary>
    [LibraryImport(Name, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rename(string oldpath, string newpath);

    /// <summary>unlink(2).</summary>
    [LibraryImport(Name, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int unlink(string path);

    /// <summary>mkdir(2).</summary>
    [LibraryImport(Name, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mkdir(string path, uint mode);

    /// <summary>stat(2) (glibc 2.33 and later export it as a function).</summary>
    [LibraryImport(Name, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int stat(string path, out stat_t buf);

    /// <summary>lstat(2): the status of a link itself; dotlocks are checked with it, as Dovecot does.</summary>
    [LibraryImport(Name, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int lstat(string path, out stat_t buf);

    /// <summary>utimensat's directory argument meaning "relative to the working directory".</summary>
    internal const int AT_FDCWD = -100;

    /// <summary>utimensat's flag: change a symbolic link itself, never what it points to.</summary>
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;

    /// <summary>utimensat(2); with null times it sets atime and mtime to now (a dotlock refresh, Dovecot's utime(path, NULL)).</summary>
    [LibraryImport(Name, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int utimensat(int dirfd, string path, timespec_t* times, int flags);

    /// <summary>ftruncate(2).</summary>
    [LibraryImport(Name, EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int ftruncate(int fd, long length);

    /// <summary>fstat(2).</summary>
    [LibraryImport(Name, EntryPoint = "fstat", SetLastError = true)]
    internal static partial int fstat(int fd, out stat_t buf);

    /// <summary>fchown(2); with <see cref="NoChange"/> for both it changes nothing but, on NFS and FUSE, flushes the attribute cache.</summary>
    [LibraryImport(Name, EntryPoint = "fchown", SetLastError = true)]
    internal static partial int fchown(int fd, uint owner, uint group);

    /// <summary>chown(2); see <see cref="fchown"/>.</summary>
    [LibraryImport(Name, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int chown(string path, uint owner, uint group);

    /// <summary>pwrite(2): bytes written, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "pwrite", SetLastError = true)]
    internal static unsafe partial nint pwrite(int fd, byte* buf, nuint count, long offset);

    /// <summary>pread(2): bytes read, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "pread", SetLastError = true)]
    internal static unsafe partial nint pread(int fd, byte* buf, nuint count, long offset);

    /// <summary>fsync(2).</summary>
    [LibraryImport(Name, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int fsync(int fd);

    /// <summary>futimens(2): sets atime and mtime of an open file.</summary>
    [LibraryImport(Name, EntryPoint = "futimens", SetLastError = true)]
    internal static unsafe partial int futimens(int fd, timespec_t* times);

    /// <summary>
    /// Whether <paramref name="path"/> still names the file with this device and inode: stat (or lstat, not following a
    /// final symlink) retried on EINTR; false when the name is gone; other failures throw naming the call and path.
    /// </summary>
    internal static bool NamesFile(string path, ulong device, ulong inode, bool followLinks)
    {
        int result;
        stat_t st;
        do
        {
            result = followLinks ? stat(path, out st) : lstat(path, out st);
        }
        while (result < 0 && LastErrno == EINTR);
        if (result < 0)
        {
            int errno = LastErrno;
            if (errno == ENOENT)
            {
                return false;
            }

            throw Failure(followLinks ? "stat" : "lstat", path, errno);
        }

        return st.st_ino == inode && st.st_dev == device;
    }

    /// <summary>
    /// <see cref="NamesFile(string, ulong, ulong, bool)"/> following links, for a path already in the C library's form
    /// (<paramref name="pathz"/>: UTF-8 ending in a zero byte, made once per descriptor): the replaced-file check of
    /// every lock pair then costs the stat and not a conversion of the path. <paramref name="path"/> names it in errors.
    /// </summary>
    internal static unsafe bool NamesFile(byte[] pathz, string path, ulong device, ulong inode)
    {
        int result;
        stat_t st;
        fixed (byte* p = pathz)
        {
            do
            {
                result = StatNoErrno(p, out st);
            }
            while (result < 0 && ErrnoAfterFailure() == EINTR);
        }

        if (result < 0)
        {
            int errno = LastErrno;
            return errno == ENOENT ? false : throw Failure("stat", path, errno);
        }

        return st.st_ino == inode && st.st_dev == device;
    }

    /// <summary>UTF-8 with a final zero byte: a path as the C library takes it.</summary>
    internal static byte[] ToCPath(string path)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    // stat(2) for NamesFile's hot path: no SetLastError (errno is read only on failure, by ErrnoAfterFailure).
    [LibraryImport(Name, EntryPoint = "stat")]
    private static unsafe partial int StatNoErrno(byte* path, out stat_t buf);
}
