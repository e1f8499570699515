using System;
using System.Collections.Generic;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Reporting;

namespace MailStorage.Core.Verification;

/// <summary>
/// Checks a mailbox's index files the way Dovecot 2.3 checks them when it opens them, and then against each other:
/// dovecot.index (header compatibility and sizes, counters, lowwater UIDs, UID order and bounds, extensions and
/// keywords), dovecot.index.log and .log.2 (header, records, garbage at the end, indexid, sequence), dovecot.index.cache
/// (header, field headers, records and the index's pointers into them), dovecot-uidlist (syntax, order, duplicates,
/// next UID) and the files in cur/ and new/ (every UID in the index has a uidlist line, every line a file, every file a
/// line). Reads only: no lock is taken and nothing is written, so on a mailbox Dovecot is changing at that moment a
/// half-written append can show as damage; verify again, or under <c>Lock-MailIndex</c>, before repairing.
/// </summary>
public static class MailboxVerifier
{
    /// <summary>
    /// Every problem of <paramref name="mailbox"/>, in file order (dovecot.index, .log.2, .log, .cache, dovecot-uidlist,
    /// dovecot-keywords, mail files) and by offset within a file; empty for a sound mailbox. Files that are missing are
    /// not problems unless another file needs them. Index files that are symlinks are reported, never followed.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">A file cannot be read.</exception>
    /// <exception cref="System.IO.IOException">A file cannot be read (the message names it and errno).</exception>
    /// <param name="mailbox">The mailbox.</param>
    /// <param name="log">Told which files are read (with sizes) and which are skipped and why; null: nobody listens.</param>
    public static IReadOnlyList<IndexDamage> Verify(MailboxLocation mailbox, IActivityLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var verification = new MailboxVerification(mailbox) { Log = log };
        verification.Run();
        return verification.Result();
    }
}
