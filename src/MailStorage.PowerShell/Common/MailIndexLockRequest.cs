using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.Index;
using MailStorage.Core.Locking;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// What Lock-MailIndex and Use-MailIndexLock share: the lock settings from their parameters (and -ConfigPath), the
/// mailbox folder a -Path names, and taking the lock with every expected outcome turned into an error with a stable id.
/// </summary>
internal static class MailIndexLockRequest
{
    /// <summary>
    /// The lock settings: Dovecot's defaults, or lock_method, dotlock_use_excl and mail_max_lock_timeout from
    /// <paramref name="configPath"/> (under <paramref name="filter"/>), overridden by the parameters given. Terminating
    /// errors <c>&lt;prefix&gt;InvalidFilter</c>, <c>&lt;prefix&gt;ConfigFileNotFound</c>,
    /// <c>&lt;prefix&gt;ConfigPathIsDirectory</c>, <c>&lt;prefix&gt;ConfigParseFailed</c>, <c>&lt;prefix&gt;ConfigInvalid</c>, <c>&lt;prefix&gt;SharedDotlock</c>.
    /// </summary>
    public static MailboxLockOptions Options(
        PSCmdlet cmdlet,
        string errorPrefix,
        MailIndexLockMethod? method,
        bool shared,
        int? timeoutSeconds,
        bool includeUidList,
        string? configPath,
        string[]? filter)
    {
        var from = new MailboxLockOptions();
        if (configPath != null)
        {
            ConfigFilter? query = null;
            if (filter != null)
            {
                try
                {
                    query = ConfigFilter.Parse(filter);
                }
                catch (FormatException ex)
                {
                    cmdlet.ThrowTerminatingError(new ErrorRecord(ex, errorPrefix + "InvalidFilter", ErrorCategory.InvalidArgument, filter));
                }
            }

            var config = ConfigFileArgument.Read(cmdlet, configPath, errorPrefix + "Config", errorPrefix + "ConfigParseFailed", out string path);

            try
            {
                from = MailboxLockOptions.FromConfig(config, query);
            }
            catch (FormatException ex)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, errorPrefix + "ConfigInvalid", ErrorCategory.InvalidData, path));
            }
        }

        var options = new MailboxLockOptions
        {
            Method = method.HasValue ? (LockMethod)(int)method.Value : from.Method,
            Mode = shared ? LockMode.Shared : from.Mode,
            DotlockUseExcl = from.DotlockUseExcl,
            Timeout = timeoutSeconds.HasValue ? TimeSpan.FromSeconds(timeoutSeconds.Value) : from.Timeout,
            IncludeUidList = includeUidList || from.IncludeUidList,
            UidListDirectory = from.UidListDirectory,
            Hostname = from.Hostname,
        };

        if (options.Mode == LockMode.Shared && options.Method == LockMethod.Dotlock)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Shared cannot be used with lock_method dotlock: a dotlock is always exclusive. Use -Method Fcntl or Flock for a shared lock."),
                errorPrefix + "SharedDotlock",
                ErrorCategory.InvalidArgument,
                options.Method));
        }

        return options;
    }

    /// <summary>
    /// The mailbox index folder <paramref name="path"/> names (a folder, or its <c>dovecot.index.log</c>), or null after a
    /// non-terminating error <c>&lt;prefix&gt;PathNotFound</c> or <c>&lt;prefix&gt;NoIndexLog</c>.
    /// </summary>
    public static string? MailboxFolder(PSCmdlet cmdlet, string path, string errorPrefix)
    {
        string? resolved = ProviderPath.Resolve(cmdlet, path, errorPrefix);
        if (resolved == null)
        {
            return null;
        }

        if (File.Exists(resolved) && string.Equals(Path.GetFileName(resolved), DovecotFileNames.IndexLog, StringComparison.Ordinal))
        {
            resolved = Path.GetDirectoryName(resolved) ?? resolved;
        }

        if (!Directory.Exists(resolved))
        {
            cmdlet.WriteError(new ErrorRecord(
                new ItemNotFoundException("Cannot find the mailbox index folder '" + resolved + "'."),
                errorPrefix + "PathNotFound",
                ErrorCategory.ObjectNotFound,
                path));
            return null;
        }

        // Dovecot creates dovecot.index.log itself; an empty one made by a lock would look corrupt to it.
        if (!File.Exists(Path.Combine(resolved, DovecotFileNames.IndexLog)))
        {
            cmdlet.WriteError(new ErrorRecord(
                new FileNotFoundException("'" + resolved + "' has no " + DovecotFileNames.IndexLog + ": it is not a mailbox index folder, or Dovecot has not opened the mailbox yet (with INDEX= in mail_location the indexes live elsewhere).", Path.Combine(resolved, DovecotFileNames.IndexLog)),
                errorPrefix + "NoIndexLog",
                ErrorCategory.ObjectNotFound,
                path));
            return null;
        }

        return resolved;
    }

    /// <summary>What taking the lock does, for ShouldProcess.</summary>
    public static string Action(MailboxLockOptions options)
    {
        string what = options.Method switch
        {
            LockMethod.Dotlock => "Create the dotlock " + DovecotFileNames.IndexLog + ".lock",
            LockMethod.Flock => "Take a flock " + (options.Mode == LockMode.Shared ? "LOCK_SH" : "LOCK_EX") + " lock on " + DovecotFileNames.IndexLog,
            _ => "Take an fcntl " + (options.Mode == LockMode.Shared ? "read" : "write") + " lock on " + DovecotFileNames.IndexLog,
        };
        return what + (options.IncludeUidList ? " and create the dotlock dovecot-uidlist.lock" : string.Empty) +
            " (waiting up to " + Seconds(options.Timeout) + ")";
    }

    /// <summary>
    /// Takes the lock: the lock object, or null after a non-terminating error <c>&lt;prefix&gt;TimedOut</c>,
    /// <c>&lt;prefix&gt;Busy</c> or <c>&lt;prefix&gt;Failed</c>. Cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static MailIndexLock? Acquire(PSCmdlet cmdlet, string folder, MailboxLockOptions options, string errorPrefix, CancellationToken cancellationToken)
    {
        MailboxLockAttempt attempt;
        try
        {
            attempt = MailboxLock.Acquire(folder, options, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            cmdlet.WriteError(new ErrorRecord(
                ex,
                errorPrefix + "Failed",
                ex is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.NotSpecified,
                folder));
            return null;
        }

        if (attempt.Outcome == LockOutcome.Acquired && attempt.Lock != null)
        {
            return new MailIndexLock(attempt.Lock, attempt.Waited);
        }

        // A zero timeout is one try: a lock held by someone else is Busy, not a timeout.
        bool busy = attempt.Outcome == LockOutcome.Busy || options.Timeout == TimeSpan.Zero;
        var record = new ErrorRecord(
            new TimeoutException(busy ? DescribeBusy(attempt, options) : Describe(attempt, options)),
            errorPrefix + (busy ? "Busy" : "TimedOut"),
            busy ? ErrorCategory.ResourceBusy : ErrorCategory.OperationTimeout,
            folder);
        record.ErrorDetails = new ErrorDetails(record.Exception.Message)
        {
            RecommendedAction = "See who holds it: Get-MailIndexLock -Path '" + folder + "'",
        };
        cmdlet.WriteError(record);
        return null;
    }

    /// <summary>
    /// Releases <paramref name="held"/>: null, or the warning to write when a dotlock was lost meanwhile (another process
    /// removed or replaced the <c>.lock</c>; then nothing was deleted). IO failures propagate.
    /// </summary>
    public static string? Release(MailIndexLock held)
    {
        var engine = held.Held;
        bool released = engine.Release();
        var lost = new System.Collections.Generic.List<string>();
        if (engine.IndexLog.IsLost)
        {
            lost.Add(engine.IndexLog.LockPath);
        }

        if (engine.UidList?.IsLost == true)
        {
            lost.Add(engine.UidList.LockPath);
        }

        if (released && lost.Count == 0)
        {
            return null;
        }

        // Dovecot's words (file_dotlock_delete's callers): "Dotlock was lost for transaction log file %s".
        return "Dotlock was lost for " + string.Join(", ", lost.Count > 0 ? lost : held.LockedFiles) +
            ": another process removed or replaced it while the lock was held, so the index may have been changed meanwhile; nothing was deleted. (UnlockMailIndexLost)";
    }

    /// <summary>Dovecot's words for a lock not granted, with the lock_method and the time waited.</summary>
    public static string Describe(MailboxLockAttempt attempt, MailboxLockOptions options)
    {
        string text = attempt.Describe();
        return text + " [lock_method=" + options.Method.ToString().ToLowerInvariant() + ", waited " + Seconds(attempt.Waited) + "]";
    }

    /// <summary>Dovecot-like words for a lock that was held when tried once: who holds it, and the lock_method.</summary>
    public static string DescribeBusy(MailboxLockAttempt attempt, MailboxLockOptions options)
    {
        if (attempt.Outcome == LockOutcome.Busy)
        {
            return attempt.Describe() + " [lock_method=" + options.Method.ToString().ToLowerInvariant() + "]";
        }

        bool uidList = string.Equals(Path.GetFileName(attempt.LockedFile), Core.Index.DovecotFileNames.UidList, StringComparison.Ordinal);
        string kind = attempt.Method == LockMethod.Dotlock ? "dotlock" : "lock";
        return "Could not " + kind + " " + (uidList ? "uidlist file " : "transaction log file ") + attempt.LockedFile + ": already locked" +
            (attempt.Holder != null ? " (" + attempt.Holder + ")" : string.Empty) +
            " [lock_method=" + options.Method.ToString().ToLowerInvariant() + "]";
    }

    private static string Seconds(TimeSpan time) =>
        time.TotalSeconds.ToString(time.TotalSeconds < 10 && time.Ticks % TimeSpan.TicksPerSecond != 0 ? "0.00" : "0", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
