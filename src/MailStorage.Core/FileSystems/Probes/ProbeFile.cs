using System;
using System.Text;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>An open descriptor in the probe folder, closed on dispose; reads and writes go straight to the syscalls.</summary>
internal sealed class ProbeFile : IDisposable
{
    private ProbeFile(int fd, string path)
    {
        Fd = fd;
        Path = path;
    }

    /// <summary>The descriptor.</summary>
    public int Fd { get; private set; }

    /// <summary>The path it was opened by.</summary>
    public string Path { get; }

    /// <summary>open(2) with O_NOFOLLOW|O_CLOEXEC; a failure is an exception naming the path and errno.</summary>
    public static ProbeFile Open(string path, int flags, uint mode = 0x180)
    {
        ProbeFile? file = TryOpen(path, flags, out int errno, mode);
        return file ?? throw Libc.Failure("open", path, errno);
    }

    /// <summary>open(2) with O_NOFOLLOW|O_CLOEXEC; null and the errno when it fails.</summary>
    public static ProbeFile? TryOpen(string path, int flags, out int errno, uint mode = 0x180)
    {
        int fd;
        do
        {
            fd = Libc.open(path, flags | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, mode);
        }
        while (fd < 0 && Libc.LastErrno == Libc.EINTR);
        errno = fd < 0 ? Libc.LastErrno : 0;
        return fd < 0 ? null : new ProbeFile(fd, path);
    }

    /// <summary>Creates (or truncates) <paramref name="path"/> with <paramref name="text"/>, fsyncs and closes it.</summary>
    public static void WriteAll(string path, string text)
    {
        using var file = Open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC);
        file.Write(Encoding.ASCII.GetBytes(text), 0);
        file.Sync();
    }

    /// <summary>pwrite(2) of all of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    public unsafe void Write(ReadOnlySpan<byte> data, long offset)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = Libc.pwrite(Fd, p + done, (nuint)(data.Length - done), offset + done);
                if (n < 0)
                {
                    if (Libc.LastErrno == Libc.EINTR)
                    {
                        continue;
                    }

                    throw Libc.Failure("pwrite", Path, Libc.LastErrno);
                }

                done += (int)n;
            }
        }
    }

    /// <summary>pread(2) of up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; -1 and the errno on failure.</summary>
    public unsafe int TryRead(Span<byte> buffer, long offset, out int errno)
    {
        fixed (byte* p = buffer)
        {
            nint n;
            do
            {
                n = Libc.pread(Fd, p, (nuint)buffer.Length, offset);
            }
            while (n < 0 && Libc.LastErrno == Libc.EINTR);
            errno = n < 0 ? Libc.LastErrno : 0;
            return (int)n;
        }
    }

    /// <summary>The file's text from offset 0 (up to 256 bytes); an exception on failure.</summary>
    public string ReadText()
    {
        Span<byte> buffer = stackalloc byte[256];
        int n = TryRead(buffer, 0, out int errno);
        if (n < 0)
        {
            throw Libc.Failure("pread", Path, errno);
        }

        return Encoding.ASCII.GetString(buffer.Slice(0, n));
    }

    /// <summary>fsync(2).</summary>
    public void Sync() => Libc.Check(Libc.fsync(Fd), "fsync", Path);

    /// <summary>fstat(2); an exception on failure.</summary>
    public Libc.stat_t Stat()
    {
        Libc.Check(Libc.fstat(Fd, out var st), "fstat", Path);
        return st;
    }

    /// <summary>close(2); errors of close are ignored (the probe has what it needs by then).</summary>
    public void Dispose()
    {
        if (Fd >= 0)
        {
            _ = Libc.close(Fd);
            Fd = -1;
        }
    }

    /// <summary>stat(2) of a path: true with the status, or false and the errno.</summary>
    public static bool TryStat(string path, out Libc.stat_t st, out int errno)
    {
        int r;
        do
        {
            r = Libc.stat(path, out st);
        }
        while (r < 0 && Libc.LastErrno == Libc.EINTR);
        errno = r < 0 ? Libc.LastErrno : 0;
        return r == 0;
    }

    /// <summary>The name of an errno for details: <c>ESTALE</c>, or the number.</summary>
    public static string ErrnoName(int errno) => errno switch
    {
        Libc.EPERM => "EPERM",
        Libc.ENOENT => "ENOENT",
        Libc.EIO => "EIO",
        Libc.EAGAIN => "EAGAIN",
        Libc.EACCES => "EACCES",
        Libc.EEXIST => "EEXIST",
        Libc.EINVAL => "EINVAL",
        Libc.EROFS => "EROFS",
        Libc.ENOLCK => "ENOLCK",
        Libc.ENOSYS => "ENOSYS",
        Libc.EOPNOTSUPP => "EOPNOTSUPP",
        Libc.ESTALE => "ESTALE",
        _ => "errno " + errno,
    };
}
