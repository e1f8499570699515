using System;
using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// signal.h and unistd.h: whether a process exists, and this host's name (what Dovecot writes into its dotlocks).
internal static partial class Libc
{
    /// <summary>kill(2): with signal 0 it only checks that <paramref name="pid"/> exists (ESRCH when it does not).</summary>
    [LibraryImport(Name, EntryPoint = "kill", SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    [LibraryImport(Name, EntryPoint = "gethostname", SetLastError = true)]
    private static unsafe partial int gethostname_native(byte* name, nuint len);

    /// <summary>gethostname(2) as text; a failure is <see cref="Failure"/>.</summary>
    internal static unsafe string gethostname()
    {
        byte* buffer = stackalloc byte[256];
        if (gethostname_native(buffer, 255) < 0)
        {
            throw Failure("gethostname", null, LastErrno);
        }

        buffer[255] = 0;
        return Marshal.PtrToStringUTF8((IntPtr)buffer) ?? string.Empty;
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> of this host is gone: kill(pid, 0) failed with ESRCH. A process we may not
    /// signal (EPERM) exists.
    /// </summary>
    internal static bool ProcessIsGone(int pid) => pid > 0 && kill(pid, 0) < 0 && LastErrno == ESRCH;
}
