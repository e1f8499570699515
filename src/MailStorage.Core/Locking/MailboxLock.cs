using System;
using System.Diagnostics;
using System.Threading;
using MailStorage.Core.Index;

namespace MailStorage.Core.Locking;

/// <summary>
/// A mailbox held still against Dovecot: the configured lock on <c>dovecot.index.log</c> (Dovecot's index write lock)
/// and optionally the <c>dovecot-uidlist.lock</c> dotlock, taken uidlist first as Dovecot's Maildir sync takes them.
/// </summary>
public sealed class MailboxLock : IDisposable
{
    private MailboxLock(string mailboxPath, IFileLock indexLog, IFileLock? uidList, MailboxLockOptions options)
    {
        MailboxPath = mailboxPath;
        IndexLog = indexLog;
        UidList = uidList;
        Options = options;
    }

    /// <summary>The folder holding <c>dovecot.index.log</c> (the index directory).</summary>
    public string MailboxPath { get; }

    /// <summary>The lock on <c>dovecot.index.log</c>.</summary>
    public IFileLock IndexLog { get; }

    /// <summary>The <c>dovecot-uidlist.lock</c> dotlock, when asked for.</summary>
    public IFileLock? UidList { get; }

    /// <summary>The options it was taken with.</summary>
    public MailboxLockOptions Options { get; }

    /// <summary>Whether every lock is still held.</summary>
    public bool IsHeld => IndexLog.IsHeld && (UidList?.IsHeld ?? true);

    /// <summary>Whether a dotlock of it was lost (removed or replaced by someone else).</summary>
    public bool IsLost => IndexLog.IsLost || (UidList?.IsLost ?? false);

    /// <summary>
    /// Takes the locks, waiting up to <see cref="MailboxLockOptions.Timeout"/> for all of them together. When one cannot
    /// be had, whatever was taken is released and the attempt says which file was busy and who held it.
    /// </summary>
    public static MailboxLockAttempt Acquire(string mailboxPath, MailboxLockOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mailboxPath);
        ArgumentNullException.ThrowIfNull(options);
        var start = Stopwatch.GetTimestamp();
        string logPath = System.IO.Path.Combine(mailboxPath, DovecotFileNames.IndexLog);
        IFileLock? uidList = null;
        if (options.IncludeUidList)
        {
            string uidListPath = System.IO.Path.Combine(options.UidListDirectory ?? mailboxPath, DovecotFileNames.UidList);
            var uidAttempt = FileLocks.Lock(uidListPath, options.UidListOptions(), options.Timeout, cancellationToken);
            if (uidAttempt.Outcome != LockOutcome.Acquired)
            {
                return new MailboxLockAttempt(uidAttempt.Outcome, null, uidAttempt.Holder, Stopwatch.GetElapsedTime(start), uidListPath, LockMethod.Dotlock, options.Timeout, "uidlist file");
            }

            uidList = uidAttempt.Lock;
        }

        try
        {
            TimeSpan left = options.Timeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : options.Timeout - Stopwatch.GetElapsedTime(start);
            var logAttempt = FileLocks.Lock(logPath, options.LogOptions(), left < TimeSpan.Zero && left != Timeout.InfiniteTimeSpan ? TimeSpan.Zero : left, cancellationToken);
            var waited = Stopwatch.GetElapsedTime(start);
            if (logAttempt.Outcome != LockOutcome.Acquired)
            {
                uidList?.Release();
                return new MailboxLockAttempt(logAttempt.Outcome, null, logAttempt.Holder, waited, logPath, options.Method, options.Timeout, "transaction log file");
            }

            var held = new MailboxLock(mailboxPath, logAttempt.Lock!, uidList, options);
            return new MailboxLockAttempt(LockOutcome.Acquired, held, null, waited, logPath, options.Method, options.Timeout, "transaction log file");
        }
        catch
        {
            uidList?.Release();
            throw;
        }
    }

    /// <summary>Releases the uidlist lock, then the log lock; false if either had been lost.</summary>
    public bool Release()
    {
        bool uidListOk = UidList?.Release() ?? true;
        bool logOk = IndexLog.Release();
        return uidListOk && logOk;
    }

    /// <summary>Releases (see <see cref="Release"/>).</summary>
    public void Dispose() => Release();

    /// <inheritdoc/>
    public override string ToString() => IndexLog.Method + " " + IndexLog.Mode + " lock on " + MailboxPath + (UidList != null ? " (+ uidlist)" : string.Empty);
}
