namespace MailStorage.Core.Verification;

/// <summary>
/// The repair a problem calls for: what a repair would do about it (every change is preceded by a quarantine copy).
/// What a repair then did to a file is <see cref="Repair.RepairAction"/>.
/// </summary>
public enum RecommendedRepair
{
    /// <summary>Nothing needs doing.</summary>
    None,

    /// <summary>Rewrite header fields of dovecot.index the way Dovecot's fsck does (<c>next_uid 0 -> 51</c>).</summary>
    FixIndexHeader,

    /// <summary>Cut a transaction log after its last whole record.</summary>
    TruncateLog,

    /// <summary>Move dovecot.index away; Dovecot rebuilds it from the log and the Maildir.</summary>
    QuarantineIndex,

    /// <summary>Move dovecot.index.cache away; Dovecot starts a new cache (it is only a cache).</summary>
    QuarantineCache,

    /// <summary>Move a transaction log away; Dovecot starts a new one.</summary>
    QuarantineLog,

    /// <summary>Rewrite dovecot-uidlist from its readable lines, keeping every UID.</summary>
    RebuildUidList,

    /// <summary>Not repairable automatically: an administrator has to look (the description says what to look at).</summary>
    Report,
}
