namespace MailStorage.Core.Locking;

/// <summary>What a lock attempt came to. Expected outcomes are values; failures (an unreadable file...) are exceptions.</summary>
public enum LockOutcome
{
    /// <summary>The lock is held: <see cref="LockAttempt.Lock"/> is set.</summary>
    Acquired,

    /// <summary>Someone else holds it and the attempt did not wait (<see cref="FileLocks.TryLock"/>).</summary>
    Busy,

    /// <summary>Someone else held it for the whole timeout.</summary>
    TimedOut,
}
