using System;

namespace MailStorage.Core.Locking;

/// <summary>The result of <see cref="MailboxLock.Acquire"/>.</summary>
public sealed class MailboxLockAttempt
{
    private readonly LockAttempt attempt;
    private readonly string role;

    internal MailboxLockAttempt(LockOutcome outcome, MailboxLock? mailboxLock, LockHolder? holder, TimeSpan waited, string lockedFile, LockMethod method, TimeSpan timeout, string role)
    {
        Outcome = outcome;
        Lock = mailboxLock;
        Holder = holder;
        Waited = waited;
        LockedFile = lockedFile;
        Method = method;
        this.role = role;
        attempt = new LockAttempt(outcome, mailboxLock?.IndexLog, holder, waited, lockedFile, method, timeout);
    }

    /// <summary>Acquired, Busy or TimedOut.</summary>
    public LockOutcome Outcome { get; }

    /// <summary>The mailbox lock when Acquired.</summary>
    public MailboxLock? Lock { get; }

    /// <summary>Who held the file that could not be locked, when known.</summary>
    public LockHolder? Holder { get; }

    /// <summary>How long the whole attempt waited.</summary>
    public TimeSpan Waited { get; }

    /// <summary>The file whose lock decided the outcome: <c>dovecot.index.log</c>, or <c>dovecot-uidlist</c> when that was busy.</summary>
    public string LockedFile { get; }

    /// <summary>The method of that file's lock.</summary>
    public LockMethod Method { get; }

    /// <summary>
    /// Dovecot's words: <c>Timeout (3s) while waiting for lock for transaction log file /x/dovecot.index.log (WRITE lock
    /// held by pid 21161)</c>; <c>dotlock</c> for dotlocks and <c>uidlist file</c> when the uidlist was the busy one.
    /// </summary>
    public string Describe() => attempt.Describe(role);

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
