using System.Globalization;

namespace MailStorage.Core.Verification;

/// <summary>
/// One problem found in a mailbox's index, log, cache, uidlist or Maildir: where it is (file and byte offset, when it
/// has one), what kind it is, a message worded like the one Dovecot logs for it (<c>next_uid=0</c>,
/// <c>messages_count too large (60 > 23)</c>, <c>Unexpected garbage at EOF (sync_offset=1848)</c>), and the repair
/// that would fix it, described in the words of Dovecot's fsck where it has them (<c>next_uid 0 -> 24</c>).
/// </summary>
/// <param name="Mailbox">The mailbox name (INBOX, Sent, A/B).</param>
/// <param name="File">The full path of the file the problem is in.</param>
/// <param name="Code">The kind of problem.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Offset">Byte offset in <paramref name="File"/>; null for problems of a whole file or between files.</param>
/// <param name="Message">What is wrong, in Dovecot's words where Dovecot has them.</param>
/// <param name="Repair">What a repair would do.</param>
/// <param name="RepairDescription">The repair's change in detail, or why nothing can be done automatically.</param>
public sealed record IndexDamage(
    string Mailbox,
    string File,
    IndexDamageKind Code,
    DamageSeverity Severity,
    long? Offset,
    string Message,
    RecommendedRepair Repair,
    string RepairDescription)
{
    /// <summary>Whether a repair can fix it without an administrator.</summary>
    public bool Repairable => Repair is not (RecommendedRepair.None or RecommendedRepair.Report);

    /// <summary>
    /// Whether the problem was found again with the mailbox locked as Dovecot's writers lock it (the lock_method lock on
    /// dovecot.index.log, and for Maildir the dovecot-uidlist.lock dotlock), so no writer was half-way through a change:
    /// a problem of the files, not of the moment they were read. False when the files were only read without a lock.
    /// </summary>
    public bool ConfirmedUnderLock { get; init; }

    /// <summary><c>/path/dovecot.index (offset 28): Error IndexNextUidZero: next_uid=0</c>.</summary>
    public override string ToString() =>
        File + (Offset is { } offset ? " (offset " + offset.ToString(CultureInfo.InvariantCulture) + ")" : string.Empty) + ": " +
        Severity + " " + Code + ": " + Message;
}
