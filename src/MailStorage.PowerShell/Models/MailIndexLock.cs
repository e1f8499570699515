using System;
using System.Collections.Generic;
using Engine = MailStorage.Core.Locking;

namespace MailStorage.PowerShell;

/// <summary>
/// A mailbox index lock taken by <c>Lock-MailIndex</c> (or handed to <c>Use-MailIndexLock</c>'s script block): the lock
/// on <c>dovecot.index.log</c> by Dovecot's lock_method, and optionally the <c>dovecot-uidlist.lock</c> dotlock. It lives
/// in this PowerShell process and is held until <c>Unlock-MailIndex</c>, <see cref="Dispose"/>, or the process ends.
/// </summary>
/// <remarks>
/// The engine's lock is kept in a reference-typed field only: PowerShell lists the module's types before the module's
/// load context can resolve MailStorage.Core, and a reference field does not make the runtime load its type then.
/// </remarks>
public sealed class MailIndexLock : IDisposable
{
    private readonly Engine.MailboxLock held;

    internal MailIndexLock(Engine.MailboxLock held, TimeSpan waited)
    {
        this.held = held;
        Path = held.MailboxPath;
        Method = (MailIndexLockMethod)(int)held.IndexLog.Method;
        Mode = (MailIndexLockMode)(int)held.IndexLog.Mode;
        AcquiredAt = held.IndexLog.AcquiredAt;
        Waited = waited;
        var files = new List<string> { held.IndexLog.LockPath };
        if (held.UidList != null)
        {
            files.Add(held.UidList.LockPath);
        }

        LockedFiles = files.ToArray();
        ProcessId = Environment.ProcessId;
    }

    /// <summary>The mailbox index folder (the one holding <c>dovecot.index.log</c>).</summary>
    public string Path { get; }

    /// <summary>How <c>dovecot.index.log</c> is locked: Fcntl, Flock or Dotlock (Dovecot's lock_method).</summary>
    public MailIndexLockMethod Method { get; }

    /// <summary>Exclusive (a write lock, what Dovecot takes) or Shared (a read lock; fcntl and flock only).</summary>
    public MailIndexLockMode Mode { get; }

    /// <summary>
    /// The files that carry the lock: <c>dovecot.index.log</c> itself for fcntl and flock, <c>dovecot.index.log.lock</c>
    /// for a dotlock, then <c>dovecot-uidlist.lock</c> when the uidlist is locked too.
    /// </summary>
    public string[] LockedFiles { get; }

    /// <summary>Whether <c>dovecot-uidlist.lock</c> is held as well.</summary>
    public bool IncludesUidList => LockedFiles.Length > 1;

    /// <summary>When the lock was granted.</summary>
    public DateTimeOffset AcquiredAt { get; }

    /// <summary>How long the lock had to be waited for.</summary>
    public TimeSpan Waited { get; }

    /// <summary>The process holding it: this PowerShell process.</summary>
    public int ProcessId { get; }

    /// <summary>Whether every lock is still held (false once released or lost).</summary>
    public bool IsHeld => held.IndexLog.IsHeld && (held.UidList?.IsHeld ?? true);

    /// <summary>
    /// Whether a dotlock was lost meanwhile: another process removed or replaced a <c>.lock</c> file of ours (for example
    /// because it judged it stale). Releasing then deletes nothing.
    /// </summary>
    public bool IsLost => held.IndexLog.IsLost || (held.UidList?.IsLost ?? false);

    /// <summary>The engine's lock; the cmdlets release it.</summary>
    internal Engine.MailboxLock Held => held;

    /// <summary>Releases the lock if it is still held (as <c>Unlock-MailIndex</c>, without the warning).</summary>
    public void Dispose() => held.Dispose();

    /// <summary><c>Fcntl Exclusive lock on /path (held)</c>.</summary>
    public override string ToString() =>
        Method + " " + Mode + " lock on " + Path + (IsLost ? " (lost)" : IsHeld ? " (held)" : " (released)");
}

/// <summary>Dovecot's lock_method, as the cmdlets take and show it.</summary>
public enum MailIndexLockMethod
{
    /// <summary>A whole-file fcntl write (or read) lock; MailStorage takes it as an OFD lock, which conflicts with Dovecot's.</summary>
    Fcntl = Engine.LockMethod.Fcntl,

    /// <summary>flock(2) on the file.</summary>
    Flock = Engine.LockMethod.Flock,

    /// <summary>Dovecot's dotlock: a <c>&lt;file&gt;.lock</c> file holding <c>pid:hostname</c>.</summary>
    Dotlock = Engine.LockMethod.Dotlock,
}

/// <summary>Whether a lock excludes everyone (Exclusive) or only writers (Shared).</summary>
public enum MailIndexLockMode
{
    /// <summary>A write lock: what Dovecot takes on its index files.</summary>
    Exclusive = Engine.LockMode.Exclusive,

    /// <summary>A read lock (fcntl F_RDLCK, flock LOCK_SH); dotlocks have none.</summary>
    Shared = Engine.LockMode.Shared,
}
