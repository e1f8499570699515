using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// sys/inotify.h and poll.h: being told when a dotlock is removed from its folder, instead of polling for it.
internal static partial class Libc
{
    internal const int IN_NONBLOCK = O_NONBLOCK;
    internal const int IN_CLOEXEC = O_CLOEXEC;
    internal const uint IN_MOVED_FROM = 0x40;
    internal const uint IN_DELETE = 0x200;
    internal const uint IN_Q_OVERFLOW = 0x4000;
    internal const uint IN_ONLYDIR = 0x01000000;
    internal const short POLLIN = 0x1;

    /// <summary>struct pollfd_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct pollfd_t
    {
        public int fd;
        public short events;
        public short revents;
    }

    /// <summary>inotify_init1(2): a descriptor, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "inotify_init1", SetLastError = true)]
    internal static partial int inotify_init1(int flags);

    /// <summary>inotify_add_watch(2): a watch descriptor, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int inotify_add_watch(int fd, string pathname, uint mask);

    /// <summary>poll(2) on one descriptor: 1 when ready, 0 on timeout, -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    internal static partial int poll(ref pollfd_t fds, nuint nfds, int timeout);

    /// <summary>read(2): bytes read, or -1 with errno (EAGAIN on a non-blocking descriptor with nothing to read).</summary>
    [LibraryImport(Name, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint read(int fd, byte* buf, nuint count);
}
