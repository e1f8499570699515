using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

/// <summary>
/// The C library calls MailStorage needs, named as in C, internal to Core. Each concern has its own file
/// (Libc.Statfs.cs, Libc.Fcntl.cs, ...); this one holds what they share: the library name and the one place
/// errno becomes an exception naming the call, the path and the error.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    // errno values used by callers to tell expected outcomes from failures.
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int EBADF = 9;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EEXIST = 17;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int EINVAL = 22;
    internal const int EROFS = 30;
    internal const int ENAMETOOLONG = 36;
    internal const int ENOLCK = 37;
    internal const int ENOSYS = 38;
    internal const int ELOOP = 40;
    internal const int EOPNOTSUPP = 95;
    internal const int ESTALE = 116;

    /// <summary>The errno of the last failed call on this thread.</summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>
    /// The errno of a call imported without SetLastError that just failed (read at once, before any other call),
    /// also kept where <see cref="LastErrno"/> reads it.
    /// </summary>
    internal static int ErrnoAfterFailure()
    {
        int errno = Marshal.GetLastSystemError();
        Marshal.SetLastPInvokeError(errno);
        return errno;
    }

    /// <summary>strerror's text for an errno.</summary>
    internal static string Describe(int errno) => new Win32Exception(errno).Message;

    /// <summary>
    /// The exception for a failed call: <c>open(/srv/mail/x) failed: Permission denied (errno 13)</c>. Missing files and
    /// permission problems map to the .NET exceptions callers already expect.
    /// </summary>
    internal static Exception Failure(string call, string? path, int errno)
    {
        string message = call + "(" + (path ?? string.Empty) + ") failed: " + Describe(errno) + " (errno " + errno + ")";
        return errno switch
        {
            ENOENT => new FileNotFoundException(message, path),
            ENOTDIR => new DirectoryNotFoundException(message),
            EACCES or EPERM or EROFS => new UnauthorizedAccessException(message),
            _ => new IOException(message, errno),
        };
    }

    /// <summary>Throws <see cref="Failure"/> for the current errno when <paramref name="result"/> is negative.</summary>
    internal static int Check(int result, string call, string? path)
    {
        if (result < 0)
        {
            throw Failure(call, path, LastErrno);
        }

        return result;
    }
}
