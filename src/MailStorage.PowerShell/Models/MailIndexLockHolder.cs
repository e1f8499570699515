using System;
using System.Diagnostics;
using Engine = MailStorage.Core.Locking;

namespace MailStorage.PowerShell;

/// <summary>
/// Who holds a lock on a mailbox index file now, as <c>Get-MailIndexLock</c> finds it (and <c>Remove-MailIndexLock</c>
/// reports what it removed): the file, the method, the mode, the process and, for dotlocks, host, age and staleness.
/// </summary>
public sealed class MailIndexLockHolder
{
    internal MailIndexLockHolder(Engine.LockHolder holder, string localHost)
    {
        File = holder.LockPath;
        Method = (MailIndexLockMethod)(int)holder.Method;
        Mode = (MailIndexLockMode)(int)holder.Mode;
        Pid = holder.Pid;
        Host = holder.Host;
        Age = holder.Age;
        IsStale = holder.IsStale;
        Description = holder.ToString();
        IsLocal = holder.Host == null || string.Equals(holder.Host, localHost, StringComparison.Ordinal);
        if (IsLocal && holder.Pid is int pid && pid > 0)
        {
            ProcessName = NameOf(pid);
        }
    }

    /// <summary>
    /// The file that carries the lock: the index file itself (<c>dovecot.index.log</c>) for fcntl and flock, the
    /// <c>.lock</c> file for a dotlock.
    /// </summary>
    public string File { get; }

    /// <summary>Fcntl, Flock or Dotlock.</summary>
    public MailIndexLockMethod Method { get; }

    /// <summary>Exclusive (a write lock) or Shared (a read lock).</summary>
    public MailIndexLockMode Mode { get; }

    /// <summary>The holder's process id, when known (from the kernel for fcntl and flock, from the file for dotlocks).</summary>
    public int? Pid { get; }

    /// <summary>The host a dotlock names; null for fcntl and flock (always this host).</summary>
    public string? Host { get; }

    /// <summary>How long a dotlock has existed unchanged; null for fcntl and flock.</summary>
    public TimeSpan? Age { get; }

    /// <summary>
    /// Whether Dovecot would override it: a dotlock of a dead process of this host older than 2 s, or one neither it nor
    /// the file it protects changed for the stale timeout. fcntl and flock locks are never stale (the kernel drops them
    /// when their holder dies).
    /// </summary>
    public bool IsStale { get; }

    /// <summary>The holder's process name, when it is a live process of this host.</summary>
    public string? ProcessName { get; }

    /// <summary>Whether the holder runs on this host (always for fcntl and flock).</summary>
    public bool IsLocal { get; }

    /// <summary>Dovecot's words for the holder: <c>WRITE lock held by pid 1234</c>, <c>dotlock held by pid 77 on host mx2 for 12 s (stale)</c>.</summary>
    public string Description { get; }

    /// <summary><c>file: description</c>.</summary>
    public override string ToString() => File + ": " + Description;

    private static string? NameOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.ProcessName;
        }
        catch (ArgumentException)
        {
            return null; // not running
        }
        catch (InvalidOperationException)
        {
            return null; // ended meanwhile
        }
    }
}
