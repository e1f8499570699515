using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace MailStorage.Core.Locking;

/// <summary>One line of /proc/locks (or a <c>lock:</c> line of /proc/&lt;pid&gt;/fdinfo/&lt;fd&gt;).</summary>
internal readonly record struct ProcLock(string Kind, bool Write, int Pid, uint Major, uint Minor, ulong Inode)
{
    /// <summary>Whether this lock is on the file with <paramref name="device"/> (st_dev) and <paramref name="inode"/>.</summary>
    public bool IsOn(ulong device, ulong inode) => Inode == inode && Major == ProcLocks.MajorOf(device) && Minor == ProcLocks.MinorOf(device);
}

/// <summary>
/// The kernel's table of held locks: /proc/locks (POSIX = classic fcntl, OFDLCK, FLOCK), matched to a file by
/// major:minor:inode. Since Linux 6.x OFD locks show pid -1 there; their holder is then found through the
/// <c>lock:</c> lines of /proc/&lt;pid&gt;/fdinfo.
/// </summary>
internal static class ProcLocks
{
    /// <summary>gnu_dev_major of a st_dev.</summary>
    public static uint MajorOf(ulong dev) => (uint)(((dev >> 8) & 0xfff) | ((dev >> 32) & 0xfffff000));

    /// <summary>gnu_dev_minor of a st_dev.</summary>
    public static uint MinorOf(ulong dev) => (uint)((dev & 0xff) | ((dev >> 12) & 0xffffff00));

    /// <summary>The held locks (blocked waiters, the <c>-&gt;</c> lines, are left out).</summary>
    public static List<ProcLock> Read(string file = "/proc/locks")
    {
        var locks = new List<ProcLock>();
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (FileNotFoundException)
        {
            return locks;
        }
        catch (DirectoryNotFoundException)
        {
            return locks;
        }

        foreach (string line in text.Split('\n'))
        {
            if (TryParse(line, out var entry))
            {
                locks.Add(entry);
            }
        }

        return locks;
    }

    /// <summary>
    /// Parses <c>1: POSIX  ADVISORY  WRITE 1234 fe:00:11690044 0 EOF</c> (also the same text after <c>lock:</c> in fdinfo).
    /// </summary>
    public static bool TryParse(string line, out ProcLock entry)
    {
        entry = default;
        string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int i = 0;
        if (i < fields.Length && fields[i] == "lock:")
        {
            i++;
        }

        // "1:" then the kind; a blocked waiter has "->" between them.
        if (i >= fields.Length || !fields[i].EndsWith(':'))
        {
            return false;
        }

        i++;
        if (i < fields.Length && fields[i] == "->")
        {
            return false;
        }

        if (fields.Length < i + 5)
        {
            return false;
        }

        string kind = fields[i];
        string access = fields[i + 2];
        if (!int.TryParse(fields[i + 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }

        string[] id = fields[i + 4].Split(':');
        if (id.Length != 3 ||
            !uint.TryParse(id[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint major) ||
            !uint.TryParse(id[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint minor) ||
            !ulong.TryParse(id[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode))
        {
            return false;
        }

        entry = new ProcLock(kind, access == "WRITE", pid, major, minor, inode);
        return true;
    }

    /// <summary>
    /// The processes whose open descriptors carry an OFD lock on the file (device, inode): /proc/*/fd/* whose target is
    /// the file, then that descriptor's fdinfo <c>lock:</c> lines, until <paramref name="expected"/> are found (the
    /// number of OFD lines /proc/locks has for the file). Processes we may not look into are skipped.
    /// </summary>
    public static List<(int Pid, bool Write)> FindOfdOwners(ulong device, ulong inode, int expected)
    {
        var owners = new List<(int, bool)>();
        string[] processes;
        try
        {
            processes = Directory.GetDirectories("/proc");
        }
        catch (IOException)
        {
            return owners;
        }
        catch (UnauthorizedAccessException)
        {
            return owners;
        }

        // This process first: our own OFD locks are the likeliest, and then the scan stops there.
        string self = "/proc/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Array.Sort(processes, (a, b) => (b == self).CompareTo(a == self));
        foreach (string dir in processes)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            string[] fds;
            try
            {
                fds = Directory.GetFiles(Path.Combine(dir, "fd"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string fd in fds)
            {
                // stat follows the /proc/<pid>/fd link to the open file itself.
                if (Interop.Libc.stat(fd, out var st) != 0 || st.st_ino != inode || st.st_dev != device)
                {
                    continue;
                }

                string info;
                try
                {
                    info = File.ReadAllText(Path.Combine(dir, "fdinfo", Path.GetFileName(fd)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (string line in info.Split('\n'))
                {
                    if (line.StartsWith("lock:", StringComparison.Ordinal) && TryParse(line, out var entry) && entry.Kind == "OFDLCK" && entry.IsOn(device, inode))
                    {
                        owners.Add((pid, entry.Write));
                    }
                }
            }

            if (owners.Count >= expected)
            {
                break;
            }
        }

        return owners;
    }
}
