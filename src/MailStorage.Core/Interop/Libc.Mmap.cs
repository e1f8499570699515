using System;
using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// sys/mman.h: mapping files, as Dovecot maps its index files unless mmap_disable=yes.
internal static partial class Libc
{
    internal const int PROT_READ = 0x1;
    internal const int PROT_WRITE = 0x2;
    internal const int MAP_SHARED = 0x01;
    internal const int MAP_PRIVATE = 0x02;
    internal const int MS_ASYNC = 1;
    internal const int MS_INVALIDATE = 2;
    internal const int MS_SYNC = 4;

    /// <summary>mmap's failure value, (void *)-1.</summary>
    internal static readonly IntPtr MAP_FAILED = new(-1);

    /// <summary>mmap(2): the mapping's address, or <see cref="MAP_FAILED"/> with errno.</summary>
    [LibraryImport(Name, EntryPoint = "mmap", SetLastError = true)]
    internal static partial IntPtr mmap(IntPtr addr, nuint length, int prot, int flags, int fd, long offset);

    /// <summary>munmap(2).</summary>
    [LibraryImport(Name, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int munmap(IntPtr addr, nuint length);

    /// <summary>msync(2).</summary>
    [LibraryImport(Name, EntryPoint = "msync", SetLastError = true)]
    internal static partial int msync(IntPtr addr, nuint length, int flags);
}
