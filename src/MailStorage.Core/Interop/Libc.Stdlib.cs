using System;
using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// stdlib.h: realpath and the free it needs.
internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr realpath_native(string path, IntPtr resolved_path);

    [LibraryImport(Name, EntryPoint = "free")]
    private static partial void free(IntPtr ptr);

    /// <summary>
    /// realpath(3): the absolute path with every symbolic link, <c>.</c> and <c>..</c> resolved. A missing path is a
    /// <see cref="System.IO.FileNotFoundException"/> naming it (through <see cref="Failure"/>).
    /// </summary>
    internal static string realpath(string path)
    {
        IntPtr resolved = realpath_native(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            throw Failure("realpath", path, LastErrno);
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? string.Empty;
        }
        finally
        {
            free(resolved);
        }
    }
}
