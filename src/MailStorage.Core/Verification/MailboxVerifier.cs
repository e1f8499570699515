using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Index;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Reporting;

namespace MailStorage.Core.Verification;

/// <summary>
/// Checks a mailbox's index files the way Dovecot 2.3 checks them when it opens them, and then against each other:
/// dovecot.index (header compatibility and sizes, counters, lowwater UIDs, UID order and bounds, extensions and
/// keywords), dovecot.index.log and .log.2 (header, records, garbage at the end, indexid, sequence), dovecot.index.cache
/// (header, field headers, records and the index's pointers into them), dovecot-uidlist (syntax, order, duplicates,
/// next UID) and the files in cur/ and new/ (every UID in the index has a uidlist line, every line a file, every file a
/// line). <see cref="Verify(MailboxLocation, IActivityLog?)"/> reads only: no lock is taken and nothing is written, so on a mailbox
/// Dovecot is changing at that moment a half-written change can show as damage. The overload with lock options
/// re-reads and confirms what it finds under Dovecot's own lock, for mailboxes in use.
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

    /// <summary>
    /// As <see cref="Verify(MailboxLocation, IActivityLog?)"/>, for a mailbox Dovecot may be writing at that moment: a problem is only
    /// reported after it was found again. A read that found problems is made again (up to three reads in all) while a
    /// file changed under it (another inode, size, mtime or ctime after the read than when it was opened: a rotation,
    /// an append, a rename). What remains is verified once more with the mailbox locked as Dovecot's writers lock it
    /// (<paramref name="lockOptions"/>'s lock_method lock on dovecot.index.log, taken shared where the method allows,
    /// and for Maildir the dovecot-uidlist.lock dotlock, uidlist first as Dovecot's Maildir sync takes them), held only
    /// for that read, and its problems carry <see cref="IndexDamage.ConfirmedUnderLock"/>. When the lock cannot be had
    /// within <see cref="MailboxLockOptions.Timeout"/>, the problems of the last read are reported unconfirmed, an
    /// Error as a Warning that says so. Nothing is written into the mailbox but what taking Dovecot's lock writes:
    /// nothing with fcntl or flock (kernel locks), the dotlock files dovecot-uidlist.lock (and dovecot.index.log.lock
    /// with lock_method=dotlock), created and removed as Dovecot itself does around every sync.
    /// </summary>
    /// <param name="mailbox">The mailbox.</param>
    /// <param name="lockOptions">lock_method, dotlock_use_excl and the wait (a few seconds suit a scan of many mailboxes).</param>
    /// <param name="cancellationToken">Cancels a wait for the lock.</param>
    /// <exception cref="UnauthorizedAccessException">A file cannot be read.</exception>
    /// <exception cref="System.IO.IOException">A file cannot be read or locked (the message names it and errno).</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting for the lock.</exception>
    /// <param name="log">Told which files each read reads and skips, why a read is made again, and what is locked; null: nobody listens.</param>
    public static IReadOnlyList<IndexDamage> Verify(MailboxLocation mailbox, MailboxLockOptions lockOptions, CancellationToken cancellationToken, IActivityLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(lockOptions);
        IReadOnlyList<IndexDamage> found = [];
        for (int read = 1; read <= Reads; read++)
        {
            var verification = new MailboxVerification(mailbox) { Log = log };
            verification.Run();
            found = verification.Result();
            if (!found.Any(Matters) || !verification.ChangedSinceRead())
            {
                break;
            }

            // A writer is at work: give it a moment to finish what it is writing.
            log?.Write(mailbox.IndexDirectory + ": " + found.Count(Matters) + " problem(s) while files changed under the read; reading again");
            Thread.Sleep(read * 2);
        }

        if (!found.Any(Matters))
        {
            return found;
        }

        log?.Write(mailbox.IndexDirectory + ": confirming " + found.Count(Matters) + " problem(s) under Dovecot's lock (lock_method=" + lockOptions.Method.ToString().ToLowerInvariant() + ", waiting at most " + lockOptions.Timeout.TotalSeconds + " s)");
        return Confirm(mailbox, lockOptions, found, cancellationToken);
    }

    /// <summary>Reads of a mailbox while its files keep changing under them, before the lock is taken.</summary>
    private const int Reads = 3;

    /// <summary>What is re-checked: Info (mail Dovecot has not seen yet) is what a live mailbox shows anyway.</summary>
    private static bool Matters(IndexDamage damage) => damage.Severity >= DamageSeverity.Warning;

    /// <summary>
    /// The read under the lock. What it excludes, from Dovecot 2.3's maildir-sync.c and maildir-save.c: a Maildir sync
    /// takes the dovecot-uidlist.lock dotlock first and then the dovecot.index.log lock, and holds both while it lists
    /// cur/ and new/, renames files for flag changes, unlinks expunged ones, rewrites the uidlist and commits to the
    /// log; a save holds both from moving its files into new/ or cur/ until its appends are in the log. A transaction
    /// that only appends to the log (flag changes, expunge requests, cache offsets) holds the log lock. So with both
    /// held, index, logs, uidlist and folders are as a finished change left them. (A save that needs no UIDs may go
    /// on without the uidlist lock when it is busy; its files then wait in new/ for the next sync, as with any
    /// concurrent Dovecot process.)
    /// </summary>
    private static IReadOnlyList<IndexDamage> Confirm(MailboxLocation mailbox, MailboxLockOptions lockOptions, IReadOnlyList<IndexDamage> found, CancellationToken cancellationToken)
    {
        bool maildir = string.Equals(mailbox.Format, "maildir", StringComparison.OrdinalIgnoreCase);
        var options = new MailboxLockOptions
        {
            Method = lockOptions.Method,
            // Dovecot's writers take only write locks, so a read lock keeps them out and lets other readers in.
            Mode = lockOptions.Method == LockMethod.Dotlock ? LockMode.Exclusive : LockMode.Shared,
            DotlockUseExcl = lockOptions.DotlockUseExcl,
            Timeout = lockOptions.Timeout,
            IncludeUidList = maildir,
            UidListDirectory = mailbox.ControlDirectory,
            Hostname = lockOptions.Hostname,
        };

        string log = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.IndexLog);
        if (!File.Exists(log))
        {
            // No log: no Dovecot writer is between its index changes (it creates the log first, under its own
            // dotlock); the Maildir side is held still by the uidlist lock alone.
            return maildir ? ConfirmUnderUidListLock(mailbox, options, found, cancellationToken) : found;
        }

        MailboxLockAttempt attempt = MailboxLock.Acquire(mailbox.IndexDirectory, options, cancellationToken);
        if (attempt.Lock is not { } held)
        {
            return Unconfirmed(found, attempt.Describe());
        }

        using (held)
        {
            return VerifyHeld(mailbox);
        }
    }

    private static List<IndexDamage> ConfirmUnderUidListLock(MailboxLocation mailbox, MailboxLockOptions options, IReadOnlyList<IndexDamage> found, CancellationToken cancellationToken)
    {
        string uidList = Path.Combine(mailbox.ControlDirectory, DovecotFileNames.UidList);
        LockAttempt attempt = FileLocks.Lock(uidList, options.UidListOptions(), options.Timeout, cancellationToken);
        if (attempt.Lock is not { } held)
        {
            return Unconfirmed(found, attempt.Describe("uidlist file"));
        }

        try
        {
            return VerifyHeld(mailbox);
        }
        finally
        {
            held.Release();
        }
    }

    private static List<IndexDamage> VerifyHeld(MailboxLocation mailbox)
    {
        var verification = new MailboxVerification(mailbox);
        verification.Run();
        return verification.Result().Select(d => d with { ConfirmedUnderLock = true }).ToList();
    }

    /// <summary>The problems of a read no lock could confirm: none is called an Error, and each says why.</summary>
    private static List<IndexDamage> Unconfirmed(IReadOnlyList<IndexDamage> found, string why) =>
        found.Select(d => !Matters(d) ? d : d with
        {
            Severity = DamageSeverity.Warning,
            Message = d.Message + " (not confirmed: Dovecot may have been writing, and the mailbox lock to look again could not be had: " + why + ")",
        }).ToList();
}
