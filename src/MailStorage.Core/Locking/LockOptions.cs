using System;

namespace MailStorage.Core.Locking;

/// <summary>The settings of one lock: method, mode and the dotlock knobs Dovecot has (each with Dovecot's default).</summary>
public sealed class LockOptions
{
    /// <summary>The stale timeout of Dovecot's transaction log dotlock (MAIL_TRANSACTION_LOG_DOTLOCK_CHANGE_TIMEOUT).</summary>
    public static readonly TimeSpan TransactionLogStaleTimeout = TimeSpan.FromSeconds(180);

    /// <summary>The stale timeout of Maildir's <c>dovecot-uidlist.lock</c> (MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT).</summary>
    public static readonly TimeSpan UidListStaleTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The stale timeout of the cache file's dotlock (MAIL_CACHE_LOCK_CHANGE_TIMEOUT).</summary>
    public static readonly TimeSpan CacheStaleTimeout = TimeSpan.FromSeconds(300);

    /// <summary>Fcntl (the default, as Dovecot's), Flock or Dotlock.</summary>
    public LockMethod Method { get; init; } = LockMethod.Fcntl;

    /// <summary>Exclusive (the default) or Shared; a dotlock is always exclusive and refuses Shared.</summary>
    public LockMode Mode { get; init; } = LockMode.Exclusive;

    /// <summary>
    /// Dovecot's <c>dotlock_use_excl</c>: true (the default) creates the <c>.lock</c> with O_EXCL; false writes a temp file
    /// <c>.temp.&lt;host&gt;.&lt;pid&gt;.&lt;16 hex&gt;</c>, link()s it to the <c>.lock</c> and trusts st_nlink == 2 when
    /// link's answer was lost (the NFS-safe way).
    /// </summary>
    public bool DotlockUseExcl { get; init; } = true;

    /// <summary>
    /// A dotlock of another host (or one without a readable pid) is overridden once neither it nor the protected file
    /// changed for this long; zero never overrides such locks. Default 180 s (the transaction log's); the uidlist's is 120 s.
    /// </summary>
    public TimeSpan DotlockStaleTimeout { get; init; } = TransactionLogStaleTimeout;

    /// <summary>How often a held dotlock's mtime is touched so others do not judge it stale; null: half the stale timeout.</summary>
    public TimeSpan? DotlockRefreshInterval { get; init; }

    /// <summary>
    /// The host name written into dotlocks and compared with theirs: by default what Dovecot uses,
    /// <c>DOVECOT_HOSTNAME</c> or else gethostname() as it is (Dovecot 2.3 does not cut it at the first dot).
    /// </summary>
    public string Hostname { get; init; } = LocalHost.Name;

    /// <summary>
    /// fcntl and flock: after the lock is granted, check (one stat) that the path still names the file that was locked,
    /// and lock the new file if it was replaced meanwhile (Dovecot rotates <c>dovecot.index.log</c> and purges
    /// <c>dovecot.index.cache</c> by rename, and checks the same way). Default true; false saves the stat for files
    /// nobody replaces.
    /// </summary>
    public bool CheckReplaced { get; init; } = true;

    /// <summary>The options with everything at Dovecot's defaults: an exclusive fcntl lock.</summary>
    public static LockOptions Default { get; } = new();

    /// <summary>The refresh interval in effect (null when stale locks are never judged by age).</summary>
    internal TimeSpan? EffectiveRefreshInterval =>
        DotlockRefreshInterval ?? (DotlockStaleTimeout > TimeSpan.Zero ? DotlockStaleTimeout / 2 : null);

    // Set once Validate passed: the options are immutable (init-only), so every later lock made with them skips the
    // checks (a lock pair's hot path: the host name's two scans cost more than the rest of the checks together).
    private bool validated;

    internal void Validate()
    {
        if (validated)
        {
            return;
        }

        if (Method == LockMethod.Dotlock && Mode == LockMode.Shared)
        {
            throw new ArgumentException("A dotlock has no shared mode; use Fcntl or Flock for a shared lock.", nameof(Mode));
        }

        if (DotlockStaleTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DotlockStaleTimeout), DotlockStaleTimeout, "The stale timeout cannot be negative.");
        }

        if (DotlockRefreshInterval is TimeSpan refresh && refresh <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DotlockRefreshInterval), refresh, "The refresh interval must be positive.");
        }

        if (string.IsNullOrEmpty(Hostname) || Hostname.Contains(':', StringComparison.Ordinal) || Hostname.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("The host name of a dotlock must be non-empty and hold neither ':' nor '/': '" + Hostname + "'.", nameof(Hostname));
        }

        validated = true;
    }
}
