using System;
using System.Collections.Generic;
using System.IO;
using MailStorage.Core.Index;

namespace MailStorage.Core.Locking;

/// <summary>
/// Finds every lock held on Dovecot's files under a folder (for Get-MailIndexLock and Remove-MailIndexLock): fcntl and
/// flock holders of <c>dovecot.index.log</c>, <c>dovecot.list.index.log</c> and <c>dovecot.index.cache</c>, and every
/// lock file Dovecot creates (<see cref="DovecotLockFiles"/>: <c>dovecot-uidlist.lock</c>, <c>dovecot.index.log.lock</c>,
/// <c>mailboxes.lock</c>, ...) with pid, host, age and staleness. Files of other names are not looked at, whatever they
/// contain; a symbolic link with a lock's name is reported, never followed. /proc/locks is read once per scan.
/// </summary>
public static class IndexLockScanner
{
    /// <summary>The index files Dovecot locks with lock_method.</summary>
    public static readonly IReadOnlyList<string> LockedFileNames = new[] { DovecotFileNames.IndexLog, DovecotFileNames.ListIndexLog, DovecotFileNames.IndexCache };

    /// <summary>The holders found in <paramref name="path"/> (a folder, or one file), and in every folder below it with <paramref name="recurse"/>.</summary>
    public static IReadOnlyList<LockHolder> Scan(string path, bool recurse) => Scan(path, recurse, out _);

    /// <summary>
    /// <see cref="Scan(string, bool)"/>, also saying which files bear a Dovecot lock's name but are no lock (a symbolic
    /// link, a folder): <paramref name="notLocks"/>, one sentence each naming the path.
    /// </summary>
    public static IReadOnlyList<LockHolder> Scan(string path, bool recurse, out IReadOnlyList<string> notLocks)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var holders = new List<LockHolder>();
        var skipped = new List<string>();
        notLocks = skipped;
        var procLocks = ProcLocks.Read();
        if (File.Exists(path) && !Directory.Exists(path))
        {
            FileLocks.AddKernelHolders(path, null, holders, procLocks);
            AddIfLockFile(Dotlock.LockPathOf(path), holders, skipped, procLocks);
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
            ScanFolder(dir, holders, skipped, procLocks);
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

    /// <summary>
    /// Who holds the Dovecot lock file <paramref name="lockPath"/> now (empty when it is gone), judged as
    /// <see cref="Scan(string, bool)"/> judges it. Throws <see cref="ArgumentException"/> when the path is not a lock file
    /// of Dovecot's (another name, a symbolic link, a folder).
    /// </summary>
    public static IReadOnlyList<LockHolder> FindLockFileHolders(string lockPath)
    {
        var state = DovecotLockFiles.Inspect(lockPath, out var lockFile);
        var holders = new List<LockHolder>();
        if (state == DovecotLockFileState.Missing)
        {
            return holders;
        }

        if (state != DovecotLockFileState.LockFile)
        {
            throw new ArgumentException(DovecotLockFiles.Explain(lockPath, state), nameof(lockPath));
        }

        AddLockFileHolders(lockPath, lockFile!, null, holders, null);
        return holders;
    }

    /// <summary>
    /// The holders of a Dovecot lock file that is a regular file: a dotlock's pid:host, age and staleness by its own stale
    /// timeout (or <paramref name="staleTimeout"/>); for a lock file of mail_storage_lock_create the fcntl or flock holders
    /// on it, and only when there are none the suffix-less dotlock that lock_method=dotlock makes of it.
    /// </summary>
    internal static void AddLockFileHolders(string lockPath, DovecotLockFile lockFile, TimeSpan? staleTimeout, List<LockHolder> into, List<ProcLock>? procLocks)
    {
        if (lockFile.Kind == DovecotLockKind.LockFile)
        {
            int before = into.Count;
            FileLocks.AddKernelHolders(lockPath, null, into, procLocks);
            if (into.Count > before)
            {
                return;
            }
        }

        string protectedPath = DovecotLockFiles.ProtectedPathOf(lockPath, lockFile);
        if (DotlockInspector.Describe(protectedPath, LocalHost.Name, staleTimeout ?? lockFile.StaleTimeout, lockPath) is { } holder)
        {
            into.Add(holder);
        }
    }

    private static void AddIfLockFile(string candidate, List<LockHolder> holders, List<string> skipped, List<ProcLock> procLocks)
    {
        var state = DovecotLockFiles.Inspect(candidate, out var lockFile);
        if (state == DovecotLockFileState.LockFile)
        {
            AddLockFileHolders(candidate, lockFile!, null, holders, procLocks);
        }
        else if (state is DovecotLockFileState.SymbolicLink or DovecotLockFileState.NotRegularFile)
        {
            skipped.Add(DovecotLockFiles.Explain(candidate, state));
        }
    }

    private static void ScanFolder(string dir, List<LockHolder> holders, List<string> skipped, List<ProcLock> procLocks)
    {
        foreach (string name in LockedFileNames)
        {
            string file = Path.Combine(dir, name);
            if (File.Exists(file))
            {
                FileLocks.AddKernelHolders(file, null, holders, procLocks);
            }
        }

        // Every entry, links included: only names Dovecot gives its locks are looked at further.
        var locks = new List<string>();
        try
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (DovecotLockFiles.Recognize(Path.GetFileName(entry)) != null)
                {
                    locks.Add(entry);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        locks.Sort(StringComparer.Ordinal);
        foreach (string lockPath in locks)
        {
            AddIfLockFile(lockPath, holders, skipped, procLocks);
        }
    }
}
