using System;

namespace MailStorage.Core.Locking;

/// <summary>
/// A held lock on one file, by any method; released by <see cref="Release"/> or Dispose. A lock belongs to the open
/// file or the <c>.lock</c> file, not to a thread: any thread may release it.
/// </summary>
public interface IFileLock : IDisposable
{
    /// <summary>The protected file (e.g. <c>.../dovecot.index.log</c>).</summary>
    string Path { get; }

    /// <summary>The file that carries the lock: <see cref="Path"/> itself for fcntl and flock, <c>Path + ".lock"</c> for a dotlock.</summary>
    string LockPath { get; }

    /// <summary>How it is locked.</summary>
    LockMethod Method { get; }

    /// <summary>Exclusive or Shared.</summary>
    LockMode Mode { get; }

    /// <summary>When the lock was granted.</summary>
    DateTimeOffset AcquiredAt { get; }

    /// <summary>Whether the lock is still ours: not released and not lost.</summary>
    bool IsHeld { get; }

    /// <summary>
    /// Whether the lock was lost: a dotlock someone removed or replaced (its device or inode changed), for example
    /// because they judged it stale. Always false for fcntl and flock locks.
    /// </summary>
    bool IsLost { get; }

    /// <summary>
    /// Releases the lock: unlocks, or for a dotlock unlinks the <c>.lock</c> if its device and inode are still ours.
    /// False when a dotlock was lost (and then nothing is deleted); releasing again does nothing more.
    /// </summary>
    bool Release();
}
