using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

/// <summary>The ceiling of any .NET lock engine: the C loop's calls straight through P/Invoke, nothing else.</summary>
internal static partial class Raw
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Len;
        public int Pid;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd, ref Flock lck);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, Span<byte> buf);

    public static double Pairs(string file, int n, bool check)
    {
        int fd = Open(file, 2);
        Span<byte> st = stackalloc byte[256];
        var l = new Flock();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            l.Type = 1;
            if (Fcntl(fd, 37, ref l) < 0)
            {
                throw new InvalidOperationException("fcntl failed");
            }

            if (check && Stat(file, st) < 0)
            {
                throw new InvalidOperationException("stat failed");
            }

            l.Type = 2;
            _ = Fcntl(fd, 37, ref l);
        }

        double rate = n / Stopwatch.GetElapsedTime(start).TotalSeconds;
        _ = Close(fd);
        return rate;
    }
}
