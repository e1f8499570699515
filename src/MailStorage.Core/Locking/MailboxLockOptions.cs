using System;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.Core.Locking;

/// <summary>How <see cref="MailboxLock"/> locks a mailbox: Dovecot's lock_method, dotlock_use_excl and the wait limit.</summary>
public sealed class MailboxLockOptions
{
    /// <summary>Dovecot's longest wait for the transaction log lock (MAIL_TRANSACTION_LOG_LOCK_TIMEOUT).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(180);

    /// <summary>lock_method for <c>dovecot.index.log</c>: Fcntl (Dovecot's default), Flock or Dotlock.</summary>
    public LockMethod Method { get; init; } = LockMethod.Fcntl;

    /// <summary>Exclusive (what Dovecot takes) or Shared (fcntl and flock only).</summary>
    public LockMode Mode { get; init; } = LockMode.Exclusive;

    /// <summary>dotlock_use_excl: O_EXCL (true, the default) or temp file + link().</summary>
    public bool DotlockUseExcl { get; init; } = true;

    /// <summary>How long to wait for all the locks together; 180 s unless mail_max_lock_timeout caps it.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Also take <c>dovecot-uidlist.lock</c> (always a dotlock in Dovecot, stale after 120 s), before the log lock as Dovecot does.</summary>
    public bool IncludeUidList { get; init; }

    /// <summary>
    /// Where <c>dovecot-uidlist</c> is (Maildir's CONTROL directory) when it is not beside <c>dovecot.index.log</c>; null:
    /// the mailbox path.
    /// </summary>
    public string? UidListDirectory { get; init; }

    /// <summary>The host name written into dotlocks (default: as Dovecot, <c>DOVECOT_HOSTNAME</c> or gethostname()).</summary>
    public string Hostname { get; init; } = LocalHost.Name;

    /// <summary>
    /// The options a Dovecot configuration implies (for <paramref name="filter"/>, e.g. <c>protocol imap</c>; null:
    /// global): lock_method, dotlock_use_excl, and mail_max_lock_timeout capping the 180 s wait (0 = no cap).
    /// </summary>
    public static MailboxLockOptions FromConfig(DovecotConfig config, ConfigFilter? filter)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.FatalError is { } fatal)
        {
            throw new FormatException("Dovecot would refuse " + config.Path + ": " + fatal.DoveconfText);
        }

        string method = config.GetValue("lock_method", filter) ?? "fcntl";
        string excl = config.GetValue("dotlock_use_excl", filter) ?? "yes";
        string maxLock = config.GetValue("mail_max_lock_timeout", filter) ?? "0";

        var timeout = DefaultTimeout;
        if (!SettingValueParser.TryParseTime(maxLock.Trim(), false, out uint seconds, out string error))
        {
            throw new FormatException("mail_max_lock_timeout in " + config.Path + ": " + error);
        }

        if (seconds > 0 && seconds < timeout.TotalSeconds)
        {
            timeout = TimeSpan.FromSeconds(seconds);
        }

        return new MailboxLockOptions
        {
            Method = ParseMethod(method, config.Path),
            DotlockUseExcl = ParseBool(excl, "dotlock_use_excl", config.Path),
            Timeout = timeout,
        };
    }

    /// <summary>Dovecot's lock_method text (fcntl, flock, dotlock; any case) as a <see cref="LockMethod"/>.</summary>
    public static LockMethod ParseMethod(string value, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Trim().ToUpperInvariant() switch
        {
            "FCNTL" => LockMethod.Fcntl,
            "FLOCK" => LockMethod.Flock,
            "DOTLOCK" => LockMethod.Dotlock,
            _ => throw new FormatException("lock_method" + (source != null ? " in " + source : string.Empty) + ": Unknown lock method: " + value),
        };
    }

    /// <summary>The options of the log lock.</summary>
    internal LockOptions LogOptions() => new()
    {
        Method = Method,
        Mode = Mode,
        DotlockUseExcl = DotlockUseExcl,
        DotlockStaleTimeout = LockOptions.TransactionLogStaleTimeout,
        Hostname = Hostname,
    };

    /// <summary>The options of the uidlist dotlock.</summary>
    internal LockOptions UidListOptions() => new()
    {
        Method = LockMethod.Dotlock,
        DotlockUseExcl = DotlockUseExcl,
        DotlockStaleTimeout = LockOptions.UidListStaleTimeout,
        Hostname = Hostname,
    };

    private static bool ParseBool(string value, string name, string source)
    {
        string v = value.Trim();
        if (string.Equals(v, "yes", StringComparison.OrdinalIgnoreCase) || string.Equals(v, "y", StringComparison.OrdinalIgnoreCase) || v == "1")
        {
            return true;
        }

        if (string.Equals(v, "no", StringComparison.OrdinalIgnoreCase) || string.Equals(v, "n", StringComparison.OrdinalIgnoreCase) || v == "0")
        {
            return false;
        }

        throw new FormatException(name + " in " + source + ": Invalid boolean value: " + value);
    }
}
