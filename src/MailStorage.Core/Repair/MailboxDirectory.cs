using System;
using System.Collections.Generic;
using System.IO;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;
using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Repair;

/// <summary>
/// A directory of a mailbox held open by descriptor (O_DIRECTORY|O_NOFOLLOW), through which every file of a repair is
/// looked up, opened, created, renamed and removed with the *at calls. Repairs often run as root in folders their
/// users can write: a name is resolved in the directory that was opened, never followed when it is a symbolic link,
/// and checked with fstat after opening, so a link planted (or swapped in between two calls) cannot make a repair read
/// or write a file outside the mailbox.
/// </summary>
internal sealed class MailboxDirectory : IDisposable
{
    private const int OpenFlags = Libc.O_NOFOLLOW | Libc.O_CLOEXEC | Libc.O_NONBLOCK;
    private int fd;

    private MailboxDirectory(string path, int fd, FileStatus status)
    {
        Path = path;
        this.fd = fd;
        Status = status;
    }

    /// <summary>The directory's path (for messages; never used to reach files).</summary>
    public string Path { get; }

    /// <summary>What fstat said when it was opened.</summary>
    public FileStatus Status { get; }

    /// <summary>
    /// Opens <paramref name="path"/>. The path's last component must be a real directory, not a symbolic link (the
    /// components above it are the administrator's, and may be links, as /var/mail often is).
    /// </summary>
    public static MailboxDirectory Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int opened = Retry(() => Libc.open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | OpenFlags, 0));
        if (opened < 0)
        {
            int errno = Libc.LastErrno;
            throw OpenFailure(path, errno, directory: true, Libc.lstat(path, out var st) == 0 && Libc.IsSymlink(st.st_mode));
        }

        return Wrap(path, opened);
    }

    /// <summary>The path of <paramref name="name"/> in this directory (for messages and results).</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Opens the subdirectory <paramref name="name"/>, refusing a symbolic link.</summary>
    public MailboxDirectory OpenDirectory(string name)
    {
        CheckName(name);
        int opened = Retry(() => Libc.openat(Descriptor, name, Libc.O_RDONLY | Libc.O_DIRECTORY | OpenFlags, 0));
        if (opened < 0)
        {
            int errno = Libc.LastErrno;
            throw OpenFailure(PathOf(name), errno, directory: true, Stat(name) is { IsSymbolicLink: true });
        }

        return Wrap(PathOf(name), opened);
    }

    /// <summary>Creates the subdirectory <paramref name="name"/> (false when it existed already) with <paramref name="mode"/>.</summary>
    public bool CreateDirectory(string name, uint mode)
    {
        CheckName(name);
        if (Retry(() => Libc.mkdirat(Descriptor, name, mode)) == 0)
        {
            return true;
        }

        int errno = Libc.LastErrno;
        if (errno == Libc.EEXIST)
        {
            return false;
        }

        throw Libc.Failure("mkdirat", PathOf(name), errno);
    }

    /// <summary>The status of <paramref name="name"/> itself (a link is not followed), or null when there is no such name.</summary>
    public FileStatus? Stat(string name)
    {
        CheckName(name);
        int result;
        Libc.stat_t st;
        do
        {
            result = Libc.fstatat(Descriptor, name, out st, Libc.AT_SYMLINK_NOFOLLOW);
        }
        while (result < 0 && Libc.LastErrno == Libc.EINTR);
        if (result == 0)
        {
            return new FileStatus(st);
        }

        int errno = Libc.LastErrno;
        if (errno == Libc.ENOENT)
        {
            return null;
        }

        throw Libc.Failure("fstatat", PathOf(name), errno);
    }

    /// <summary>
    /// Opens the regular file <paramref name="name"/> (<see cref="Libc.O_RDONLY"/>, <see cref="Libc.O_WRONLY"/> or
    /// <see cref="Libc.O_RDWR"/>). A symbolic link, a FIFO, a device or a directory is refused with a
    /// <see cref="RepairRefusedException"/> naming it; a missing file is a <see cref="FileNotFoundException"/>.
    /// </summary>
    public SafeFileHandle OpenFile(string name, int access, out FileStatus status)
    {
        CheckName(name);
        string path = PathOf(name);
        int opened = Retry(() => Libc.openat(Descriptor, name, access | OpenFlags, 0));
        if (opened < 0 && (access & Libc.O_NOATIME) != 0 && Libc.LastErrno == Libc.EPERM)
        {
            // O_NOATIME is for the file's owner (and root); anyone else reads the ordinary way.
            access &= ~Libc.O_NOATIME;
            opened = Retry(() => Libc.openat(Descriptor, name, access | OpenFlags, 0));
        }

        if (opened < 0)
        {
            int errno = Libc.LastErrno;
            throw OpenFailure(path, errno, directory: false, errno == Libc.ELOOP);
        }

        var handle = new SafeFileHandle(opened, ownsHandle: true);
        try
        {
            status = StatOf(handle, path);
            if (!status.IsRegularFile)
            {
                throw new RepairRefusedException(RepairRefusal.NotRegularFile, path, path + " is not a regular file (mode " + Convert.ToString(status.Mode, 8) + "); repairs only touch regular files.");
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Creates <paramref name="name"/> exclusively (O_CREAT|O_EXCL|O_NOFOLLOW) for reading and writing, with <paramref name="mode"/>.</summary>
    public SafeFileHandle CreateFile(string name, uint mode)
    {
        CheckName(name);
        int opened = Retry(() => Libc.openat(Descriptor, name, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | OpenFlags, mode));
        if (opened < 0)
        {
            throw Libc.Failure("openat(O_CREAT|O_EXCL)", PathOf(name), Libc.LastErrno);
        }

        return new SafeFileHandle(opened, ownsHandle: true);
    }

    /// <summary>Renames <paramref name="from"/> over <paramref name="to"/>, both in this directory (atomic; a link at <paramref name="to"/> is replaced, not followed).</summary>
    public void Rename(string from, string to)
    {
        CheckName(from);
        CheckName(to);
        if (Retry(() => Libc.renameat(Descriptor, from, Descriptor, to)) < 0)
        {
            throw Libc.Failure("renameat", PathOf(from) + " -> " + to, Libc.LastErrno);
        }
    }

    /// <summary>Removes the name <paramref name="name"/> (never a directory); false when it was already gone.</summary>
    public bool Unlink(string name)
    {
        CheckName(name);
        if (Retry(() => Libc.unlinkat(Descriptor, name, 0)) == 0)
        {
            return true;
        }

        int errno = Libc.LastErrno;
        if (errno == Libc.ENOENT)
        {
            return false;
        }

        throw Libc.Failure("unlinkat", PathOf(name), errno);
    }

    /// <summary>fsync of the directory itself: makes creations, renames and removals in it durable.</summary>
    public void Sync()
    {
        if (Retry(() => Libc.fsync(Descriptor)) < 0)
        {
            throw Libc.Failure("fsync", Path, Libc.LastErrno);
        }
    }

    /// <summary>The names in the directory (without . and ..).</summary>
    public IReadOnlyList<string> List() => Libc.ReadDirectory(Descriptor, Path);

    /// <summary>fstat of an open file.</summary>
    public static FileStatus StatOf(SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int raw = (int)handle.DangerousGetHandle();
            if (Libc.fstat(raw, out var st) < 0)
            {
                throw Libc.Failure("fstat", path, Libc.LastErrno);
            }

            return new FileStatus(st);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Runs a descriptor call on an open file (fsync, fchown, fchmod, ftruncate...): -1 with errno on failure.</summary>
    public static int OnDescriptor(SafeFileHandle handle, Func<int, int> call)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(call);
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int raw = (int)handle.DangerousGetHandle();
            return Retry(() => call(raw));
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Reads a whole open file (at most <paramref name="maxSize"/> bytes, else an <see cref="IOException"/>).</summary>
    public static byte[] ReadAll(SafeFileHandle handle, string path, long maxSize)
    {
        long length = RandomAccess.GetLength(handle);
        if (length > maxSize)
        {
            throw new IOException(path + " is too large to repair (" + length + " bytes, at most " + maxSize + ").");
        }

        return IndexFile.ReadUpTo(handle, length);
    }

    /// <summary>Closes the directory.</summary>
    public void Dispose()
    {
        int old = fd;
        fd = -1;
        if (old >= 0)
        {
            _ = Libc.close(old);
        }
    }

    /// <summary>The descriptor (for the *at calls of this assembly).</summary>
    internal int Descriptor => fd >= 0 ? fd : throw new ObjectDisposedException(Path);

    private static MailboxDirectory Wrap(string path, int opened)
    {
        if (Libc.fstat(opened, out var st) < 0)
        {
            int errno = Libc.LastErrno;
            _ = Libc.close(opened);
            throw Libc.Failure("fstat", path, errno);
        }

        return new MailboxDirectory(path, opened, new FileStatus(st));
    }

    private static Exception OpenFailure(string path, int errno, bool directory, bool isLink)
    {
        // O_NOFOLLOW makes open fail with ELOOP on a link, or ENOTDIR when O_DIRECTORY is asked too.
        if (isLink)
        {
            return new RepairRefusedException(RepairRefusal.SymbolicLink, path, path + " is a symbolic link; repairs never follow or touch links (a link in a mailbox can point anywhere, e.g. at a system file).");
        }

        if (directory && errno == Libc.ENOTDIR)
        {
            return new RepairRefusedException(RepairRefusal.NotRegularFile, path, path + " is not a directory.");
        }

        return Libc.Failure("open", path, errno);
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new RepairRefusedException(RepairRefusal.BadName, name, "'" + name + "' is not a plain file name.");
        }
    }

    private static int Retry(Func<int> call)
    {
        int result;
        do
        {
            result = call();
        }
        while (result < 0 && Libc.LastErrno == Libc.EINTR);
        return result;
    }
}
