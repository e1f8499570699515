using System;
using System.Runtime.InteropServices;

namespace MailStorage.Core.Interop;

// signal.h and pthread.h: the one signal that interrupts a lock call blocked in the kernel (see KernelLockWait).
internal static partial class Libc
{
    private const int SIG_UNBLOCK = 1;

    /// <summary>
    /// glibc's <c>struct sigaction</c> on 64-bit Linux: handler, a 1024-bit mask, flags, the restorer. No SA_RESTART in
    /// <see cref="sa_flags"/> is the point: a lock call (flock, F_OFD_SETLKW) interrupted by the signal returns EINTR.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct sigaction_t
    {
        public IntPtr sa_handler;
        public fixed ulong sa_mask[16];
        public int sa_flags;
        public IntPtr sa_restorer;
    }

    [LibraryImport(Name, EntryPoint = "sigaction", SetLastError = true)]
    internal static unsafe partial int sigaction(int signum, sigaction_t* act, sigaction_t* oldact);

    [LibraryImport(Name, EntryPoint = "__libc_current_sigrtmin")]
    internal static partial int __libc_current_sigrtmin();

    [LibraryImport(Name, EntryPoint = "__libc_current_sigrtmax")]
    internal static partial int __libc_current_sigrtmax();

    /// <summary>pthread_self(3): the calling thread's handle, for <see cref="pthread_kill"/>.</summary>
    [LibraryImport(Name, EntryPoint = "pthread_self")]
    internal static partial nuint pthread_self();

    /// <summary>pthread_kill(3): 0 or an error number (not errno).</summary>
    [LibraryImport(Name, EntryPoint = "pthread_kill")]
    internal static partial int pthread_kill(nuint thread, int sig);

    [LibraryImport(Name, EntryPoint = "pthread_sigmask")]
    private static unsafe partial int pthread_sigmask(int how, ulong* set, ulong* oldset);

    /// <summary>Unblocks <paramref name="signal"/> on the calling thread (a thread may inherit a mask that blocks it).</summary>
    internal static unsafe void UnblockSignal(int signal)
    {
        ulong* set = stackalloc ulong[16];
        new Span<ulong>(set, 16).Clear();
        set[(signal - 1) / 64] = 1UL << ((signal - 1) % 64);
        _ = pthread_sigmask(SIG_UNBLOCK, set, null);
    }

    /// <summary>
    /// Claims a real-time signal for interrupting this library's own blocked lock calls and returns its number: the
    /// highest one nobody handles (disposition SIG_DFL), or one already claimed the same way (a second copy of this
    /// library in another AssemblyLoadContext shares it). The handler is libc's getpid: async-signal-safe, it touches
    /// no memory and runs no managed code (a managed handler inside a signal could deadlock the runtime's GC). What
    /// matters is only that a handler exists (so the signal is delivered, not discarded) and that SA_RESTART is absent.
    /// Returns 0 when no signal is free.
    /// </summary>
    internal static unsafe int ClaimInterruptSignal()
    {
        IntPtr handler = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "getpid");
        int min = __libc_current_sigrtmin();

        // .NET takes SIGRTMIN itself (thread activation for the GC); start from the top, away from it.
        for (int signal = __libc_current_sigrtmax(); signal > min + 1; signal--)
        {
            sigaction_t old;
            if (sigaction(signal, null, &old) < 0)
            {
                continue;
            }

            if (old.sa_handler == handler)
            {
                return signal;
            }

            if (old.sa_handler != IntPtr.Zero)
            {
                continue;
            }

            var act = default(sigaction_t);
            act.sa_handler = handler;
            act.sa_flags = 0; // no SA_RESTART, no SA_SIGINFO
            if (sigaction(signal, &act, null) == 0)
            {
                return signal;
            }
        }

        return 0;
    }

    /// <summary>A blocking whole-file lock call (flock without LOCK_NB, or F_OFD_SETLKW): 0, or -1 with errno (EINTR when interrupted).</summary>
    internal static int LockBlocking(int fd, LockKind kind, short type)
    {
        if (kind == LockKind.Flock)
        {
            return flock(fd, type == F_WRLCK ? LOCK_EX : LOCK_SH);
        }

        var lck = flock_t.WholeFile(type);
        return fcntl(fd, kind == LockKind.Ofd ? F_OFD_SETLKW : F_SETLKW, ref lck);
    }
}
