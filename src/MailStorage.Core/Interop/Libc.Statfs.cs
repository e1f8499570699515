using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// sys/vfs.h (sys/statfs.h): which filesystem a path is on.
internal static partial class Libc
{
    /// <summary>
    /// <c>struct statfs</c> of glibc on 64-bit Linux (<c>__fsword_t</c> is long, the counts are 64-bit); the layout is
    /// checked against the C compiler's by a test.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct statfs_t
    {
        public long f_type;
        public long f_bsize;
        public ulong f_blocks;
        public ulong f_bfree;
        public ulong f_bavail;
        public ulong f_files;
        public ulong f_ffree;
        public fixed int f_fsid[2];
        public long f_namelen;
        public long f_frsize;
        public long f_flags;
        public fixed long f_spare[4];
    }

    [LibraryImport(Name, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statfs_native(string path, out statfs_t buf);

    /// <summary>statfs(2), retried on EINTR; a failure is <see cref="Failure"/> naming the path.</summary>
    internal static statfs_t statfs(string path)
    {
        while (true)
        {
            if (statfs_native(path, out var buf) == 0)
            {
                return buf;
            }

            int errno = LastErrno;
            if (errno != EINTR)
            {
                throw Failure("statfs", path, errno);
            }
        }
    }
}
