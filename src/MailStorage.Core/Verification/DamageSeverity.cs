namespace MailStorage.Core.Verification;

/// <summary>How much a problem matters to the mailbox's users.</summary>
public enum DamageSeverity
{
    /// <summary>Worth knowing, nothing is wrong (mail delivered to new/ that Dovecot has not seen yet, a stale .log.2).</summary>
    Info,

    /// <summary>Dovecot copes, but something is off: wrong counters, a cache it will drop, a line it will ignore.</summary>
    Warning,

    /// <summary>Dovecot calls the file corrupted, or the damage changes UIDs, flags or what clients are told.</summary>
    Error,
}
