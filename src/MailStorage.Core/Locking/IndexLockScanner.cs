using System;
using System.Collections.Generic;
using System.IO;

namespace MailStorage.Core.Locking;

/// <summary>
/// Finds every lock held on Dovecot's index files under a folder (for Get-MailIndexLock): fcntl and flock holders of
/// <c>dovecot.index.log</c>, <c>dovecot.list.index.log</c> and <c>dovecot.index.cache</c>, and every dotlock
/// (<c>*.lock</c>: <c>dovecot.index.log.lock</c>, <c>dovecot-uidlist.lock</c>, ...) with pid, host, age and staleness.
/// /proc/locks is read once per scan. Symbolic links are not followed.
/// </summary>
public static class IndexLockScanner
{
    /// <summary>The index files Dovecot locks with lock_method.</summary>
    public static readonly IReadOnlyList<string> LockedFileNames = new[] { "dovecot.index.log", "dovecot.list.index.log", "dovecot.index.cache" };

    /// <summary>The holders found in <paramref name="path"/> (a folder, or one file), and in every folder below it with <paramref name="recurse"/>.</summary>
    public static IReadOnlyList<LockHolder> Scan(string path, bool recurse)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var holders = new List<LockHolder>();
        var procLocks = ProcLocks.Read();
        if (File.Exists(path) && !Directory.Exists(path))
        {
            FileLocks.AddKernelHolders(path, null, holders, procLocks);
            string lockPath = Dotlock.LockPathOf(path);
            if (File.Exists(lockPath) && DotlockInspector.Describe(path, LocalHost.Name, FileLocks.StaleTimeoutFor(path)) is { } dotlock)
            {
                holders.Add(dotlock);
            }

            return holders;
        }

        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException("No such folder: " + path);
        }

        var pending = new Stack<string>();
        pending.Push(path);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            ScanFolder(dir, holders, procLocks);
            if (!recurse)
            {
                continue;
            }

            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var sorted = new List<string>();
            foreach (string child in children)
            {
                if ((File.GetAttributes(child) & FileAttributes.ReparsePoint) == 0)
                {
                    sorted.Add(child);
                }
            }

            sorted.Sort(StringComparer.Ordinal);
            for (int i = sorted.Count - 1; i >= 0; i--)
            {
                pending.Push(sorted[i]);
            }
        }

        return holders;
    }

    private static void ScanFolder(string dir, List<LockHolder> holders, List<ProcLock> procLocks)
    {
        foreach (string name in LockedFileNames)
        {
            string file = Path.Combine(dir, name);
            if (File.Exists(file))
            {
                FileLocks.AddKernelHolders(file, null, holders, procLocks);
            }
        }

        string[] locks;
        try
        {
            locks = Directory.GetFiles(dir, "*.lock");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        Array.Sort(locks, StringComparer.Ordinal);
        foreach (string lockPath in locks)
        {
            string protectedPath = lockPath[..^".lock".Length];
            if (DotlockInspector.Describe(protectedPath, LocalHost.Name, FileLocks.StaleTimeoutFor(protectedPath)) is { } holder)
            {
                holders.Add(holder);
            }
        }
    }
}
