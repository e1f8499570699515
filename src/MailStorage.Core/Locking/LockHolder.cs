using System;
using System.Globalization;

namespace MailStorage.Core.Locking;

/// <summary>Who holds a lock now: the method and mode, the process (when known) and, for dotlocks, host, age and staleness.</summary>
public sealed class LockHolder
{
    internal LockHolder(LockMethod method, LockMode mode, string lockPath, int? pid, string? host = null, TimeSpan? age = null, bool isStale = false, string? kind = null)
    {
        Method = method;
        Mode = mode;
        LockPath = lockPath;
        Pid = pid;
        Host = host;
        Age = age;
        IsStale = isStale;
        Kind = kind ?? (method == LockMethod.Dotlock ? "DOTLOCK" : method == LockMethod.Flock ? "FLOCK" : "POSIX");
    }

    /// <summary>Fcntl (classic or OFD), Flock or Dotlock.</summary>
    public LockMethod Method { get; }

    /// <summary>Exclusive (a WRITE lock) or Shared (a READ lock).</summary>
    public LockMode Mode { get; }

    /// <summary>
    /// The holder's process id when known: from /proc/locks, F_OFD_GETLK or the open descriptors of /proc for fcntl
    /// and flock, from the file for a dotlock. Null when the kernel does not say (a lock held through another client),
    /// or when a dotlock does not hold <c>pid:host</c> (empty or garbled).
    /// </summary>
    public int? Pid { get; }

    /// <summary>The host a dotlock names; null for fcntl and flock.</summary>
    public string? Host { get; }

    /// <summary>A dotlock's age: since it or the file it protects last changed. Null for fcntl and flock.</summary>
    public TimeSpan? Age { get; }

    /// <summary>
    /// Whether Dovecot would override this dotlock now: its pid is a dead process of this host and it is older than
    /// 2 s, or neither it nor the protected file changed for the stale timeout. fcntl and flock locks are never stale
    /// (the kernel drops them when their holder exits).
    /// </summary>
    public bool IsStale { get; }

    /// <summary>The file that carries the lock: the locked file itself, or the <c>.lock</c> file of a dotlock.</summary>
    public string LockPath { get; }

    /// <summary>The kernel's word for the lock (/proc/locks): POSIX (classic fcntl), OFDLCK, FLOCK, or DOTLOCK.</summary>
    public string Kind { get; }

    /// <summary>
    /// Dovecot's words: <c>WRITE lock held by pid 1234</c>, <c>dotlock held by pid 77 on host mx2 for 12 s (stale)</c>.
    /// </summary>
    public override string ToString()
    {
        if (Method == LockMethod.Dotlock)
        {
            // No pid:host in it (empty, caught between its creation and its write, or garbled): Dovecot judges it by its
            // age alone, and so does IsStale.
            string who = Pid is int p ? "held by pid " + p.ToString(CultureInfo.InvariantCulture) : "of an unknown process (not pid:host)";
            string where = Host != null ? " on host " + Host : string.Empty;
            string age = Age is TimeSpan a ? " for " + Math.Max(0, (long)a.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s" : string.Empty;
            return "dotlock " + who + where + age + (IsStale ? " (stale)" : string.Empty);
        }

        string type = Mode == LockMode.Shared ? "READ" : "WRITE";
        string method = Method == LockMethod.Flock ? "flock " : string.Empty;
        return Pid is int pid
            ? method + type + " lock held by pid " + pid.ToString(CultureInfo.InvariantCulture)
            : method + type + " lock held by a process the kernel does not name (another client?)";
    }
}
