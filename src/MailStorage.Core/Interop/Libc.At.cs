using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// fcntl.h, unistd.h, stdio.h, sys/stat.h and dirent.h: the calls relative to a directory descriptor that repairs use,
// so that a name is looked up in the directory that was opened and checked, never through a path another user can
// swap for a symbolic link between a check and a use.
internal static partial class Libc
{
    /// <summary>unlinkat's flag: remove a directory (as rmdir).</summary>
    internal const int AT_REMOVEDIR = 0x200;

    /// <summary>fstatat's flag: with an empty name, the status of the descriptor itself.</summary>
    internal const int AT_EMPTY_PATH = 0x1000;

    /// <summary>st_mode's file type bits.</summary>
    internal const uint S_IFMT = 0xF000;

    /// <summary>A regular file.</summary>
    internal const uint S_IFREG = 0x8000;

    /// <summary>A directory.</summary>
    internal const uint S_IFDIR = 0x4000;

    /// <summary>A symbolic link.</summary>
    internal const uint S_IFLNK = 0xA000;

    /// <summary>utimensat/futimens: leave this time unchanged.</summary>
    internal const long UTIME_OMIT = (1L << 30) - 2;

    /// <summary>Offset of d_name in glibc's <c>struct dirent</c> on x86_64 (checked against the C compiler by a test).</summary>
    internal const int DirentNameOffset = 19;

    /// <summary>openat(2): a descriptor, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int openat(int dirfd, string path, int flags, uint mode);

    /// <summary>mkdirat(2).</summary>
    [LibraryImport(Name, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mkdirat(int dirfd, string path, uint mode);

    /// <summary>renameat(2): both names relative to their directory descriptors; a final symbolic link is replaced, never followed.</summary>
    [LibraryImport(Name, EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int renameat(int olddirfd, string oldpath, int newdirfd, string newpath);

    /// <summary>unlinkat(2).</summary>
    [LibraryImport(Name, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int unlinkat(int dirfd, string path, int flags);

    /// <summary>fstatat(2) (glibc 2.33 and later export it as a function); with AT_SYMLINK_NOFOLLOW the link itself.</summary>
    [LibraryImport(Name, EntryPoint = "fstatat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int fstatat(int dirfd, string path, out stat_t buf, int flags);

    /// <summary>fchmod(2).</summary>
    [LibraryImport(Name, EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int fchmod(int fd, uint mode);

    /// <summary>fdopendir(3): takes over the descriptor (closedir closes it).</summary>
    [LibraryImport(Name, EntryPoint = "fdopendir", SetLastError = true)]
    private static partial IntPtr fdopendir(int fd);

    /// <summary>readdir(3): the next entry, or null at the end (errno unchanged) or on error (errno set).</summary>
    [LibraryImport(Name, EntryPoint = "readdir", SetLastError = true)]
    private static partial IntPtr readdir(IntPtr dir);

    /// <summary>closedir(3).</summary>
    [LibraryImport(Name, EntryPoint = "closedir", SetLastError = true)]
    private static partial int closedir(IntPtr dir);

    /// <summary>Whether a st_mode is a regular file.</summary>
    internal static bool IsRegular(uint mode) => (mode & S_IFMT) == S_IFREG;

    /// <summary>Whether a st_mode is a directory.</summary>
    internal static bool IsDirectory(uint mode) => (mode & S_IFMT) == S_IFDIR;

    /// <summary>Whether a st_mode is a symbolic link.</summary>
    internal static bool IsSymlink(uint mode) => (mode & S_IFMT) == S_IFLNK;

    /// <summary>
    /// The names in the directory open as <paramref name="dirfd"/> (without <c>.</c> and <c>..</c>), read through a
    /// second descriptor of the same directory so <paramref name="dirfd"/> stays open and usable.
    /// </summary>
    internal static List<string> ReadDirectory(int dirfd, string path)
    {
        int own = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (own < 0)
        {
            throw Failure("openat", path, LastErrno);
        }

        IntPtr dir = fdopendir(own);
        if (dir == IntPtr.Zero)
        {
            int errno = LastErrno;
            _ = close(own);
            throw Failure("fdopendir", path, errno);
        }

        try
        {
            var names = new List<string>();
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                IntPtr entry = readdir(dir);
                if (entry == IntPtr.Zero)
                {
                    int errno = LastErrno;
                    if (errno != 0)
                    {
                        throw Failure("readdir", path, errno);
                    }

                    return names;
                }

                string? name = Marshal.PtrToStringUTF8(entry + DirentNameOffset);
                if (name is { Length: > 0 } and not "." and not "..")
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            _ = closedir(dir);
        }
    }
}
