using System;
using System.Globalization;

namespace MailStorage.Core.Locking;

/// <summary>The result of <see cref="FileLocks.TryLock"/> or <see cref="FileLocks.Lock"/>.</summary>
public sealed class LockAttempt
{
    internal LockAttempt(LockOutcome outcome, IFileLock? fileLock, LockHolder? holder, TimeSpan waited, string path, LockMethod method, TimeSpan timeout)
    {
        Outcome = outcome;
        Lock = fileLock;
        Holder = holder;
        Waited = waited;
        Path = path;
        Method = method;
        Timeout = timeout;
    }

    /// <summary>Acquired, Busy or TimedOut.</summary>
    public LockOutcome Outcome { get; }

    /// <summary>The lock when <see cref="Outcome"/> is Acquired; the caller releases it.</summary>
    public IFileLock? Lock { get; }

    /// <summary>Who held the lock when the attempt gave up, when that could be found.</summary>
    public LockHolder? Holder { get; }

    /// <summary>How long the attempt waited.</summary>
    public TimeSpan Waited { get; }

    /// <summary>The protected file.</summary>
    public string Path { get; }

    /// <summary>The method tried.</summary>
    public LockMethod Method { get; }

    /// <summary>The timeout the attempt had (zero for a try).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Dovecot's words for the attempt, <paramref name="what"/> naming the file's role: for a timeout
    /// <c>Timeout (3s) while waiting for lock for transaction log file /x/dovecot.index.log (WRITE lock held by pid 21161)</c>
    /// (<c>dotlock</c> instead of <c>lock</c> for dotlocks).
    /// </summary>
    public string Describe(string what)
    {
        string subject = (string.IsNullOrEmpty(what) ? "file" : what) + " " + Path;
        string holder = Holder != null ? " (" + Holder + ")" : string.Empty;
        string kind = Method == LockMethod.Dotlock ? "dotlock" : "lock";
        return Outcome switch
        {
            LockOutcome.Acquired => "Locked " + subject + " (" + Method.ToString().ToLowerInvariant() + ") after " + Seconds(Waited) + "s",
            LockOutcome.Busy => "Could not " + kind + " " + subject + ": already locked" + holder,
            _ => "Timeout (" + Seconds(Timeout) + "s) while waiting for " + kind + " for " + subject + holder,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Describe("file");

    private static string Seconds(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0 || span >= TimeSpan.FromSeconds(10)
            ? ((long)Math.Round(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
