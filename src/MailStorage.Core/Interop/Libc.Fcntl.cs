using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// fcntl.h and sys/file.h: record locks (classic per-process and open-file-description locks) and flock(2).
internal static partial class Libc
{
    internal const int F_GETLK = 5;
    internal const int F_SETLK = 6;
    internal const int F_SETLKW = 7;

    // Open file description locks (Linux 3.15): owned by the open file, not the process, and still in conflict with
    // classic locks of the same file, even from the same process.
    internal const int F_OFD_GETLK = 36;
    internal const int F_OFD_SETLK = 37;
    internal const int F_OFD_SETLKW = 38;

    internal const short F_RDLCK = 0;
    internal const short F_WRLCK = 1;
    internal const short F_UNLCK = 2;

    internal const short SEEK_SET = 0;

    internal const int LOCK_SH = 1;
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int LOCK_UN = 8;

    /// <summary><c>struct flock</c> of glibc on 64-bit Linux (off_t is 64-bit); checked against the C compiler by a test.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct flock_t
    {
        public short l_type;
        public short l_whence;
        public long l_start;
        public long l_len;
        public int l_pid;

        /// <summary>The whole file (start 0, length 0 = to the end, however it grows), as Dovecot locks.</summary>
        internal static flock_t WholeFile(short type) => new() { l_type = type, l_whence = SEEK_SET, l_start = 0, l_len = 0 };
    }

    /// <summary>fcntl(2) with a lock argument (F_GETLK, F_SETLK, F_OFD_SETLK, ...): 0 or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int fcntl(int fd, int cmd, ref flock_t lck);

    /// <summary>flock(2): 0 or -1 with errno (EWOULDBLOCK = EAGAIN when LOCK_NB finds the lock taken).</summary>
    [LibraryImport(Name, EntryPoint = "flock", SetLastError = true)]
    internal static partial int flock(int fd, int operation);

    // The lock calls of TryLock, a lock pair's hot path, without SetLastError: its generated code clears and reads errno
    // through two more runtime calls around every call, success or not; TryLock reads errno itself, only on failure
    // (ErrnoAfterFailure), which is what the generated code does right after the call too.
    [LibraryImport(Name, EntryPoint = "fcntl")]
    private static partial int FcntlNoErrno(int fd, int cmd, ref flock_t lck);

    [LibraryImport(Name, EntryPoint = "flock")]
    private static partial int FlockNoErrno(int fd, int operation);

    /// <summary>
    /// A non-blocking whole-file lock: true when granted, false when another holder has it (EAGAIN/EACCES, or
    /// EWOULDBLOCK for flock); any other failure is an exception naming the call and the path.
    /// </summary>
    internal static bool TryLock(int fd, LockKind kind, short type, string path)
    {
        int result;
        string call;
        if (kind == LockKind.Flock)
        {
            int operation = type == F_UNLCK ? LOCK_UN : (type == F_WRLCK ? LOCK_EX : LOCK_SH) | LOCK_NB;
            call = "flock";
            do
            {
                result = FlockNoErrno(fd, operation);
            }
            while (result < 0 && ErrnoAfterFailure() == EINTR);
        }
        else
        {
            var lck = flock_t.WholeFile(type);
            int cmd = kind == LockKind.Ofd ? F_OFD_SETLK : F_SETLK;
            call = kind == LockKind.Ofd ? "fcntl(F_OFD_SETLK)" : "fcntl(F_SETLK)";
            do
            {
                result = FcntlNoErrno(fd, cmd, ref lck);
            }
            while (result < 0 && ErrnoAfterFailure() == EINTR);
        }

        if (result == 0)
        {
            return true;
        }

        int errno = LastErrno;
        if (errno == EAGAIN || errno == EACCES)
        {
            return false;
        }

        throw Failure(call, path, errno);
    }

    /// <summary>The three lock calls Dovecot can use, as <see cref="TryLock"/> takes them.</summary>
    internal enum LockKind
    {
        /// <summary>fcntl F_OFD_SETLK.</summary>
        Ofd,

        /// <summary>fcntl F_SETLK (classic, owned by the process).</summary>
        Classic,

        /// <summary>flock(2).</summary>
        Flock,
    }
}
