using System;
using System.Collections.Generic;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>How Dovecot creates and judges one kind of lock file.</summary>
public enum DovecotLockKind
{
    /// <summary>
    /// A dotlock (lib/file-dotlock.c): <c>pid:host</c> in a file beside the one it protects, overridden when its pid is
    /// a dead process of this host, or when neither it nor the protected file changed for the stale timeout.
    /// </summary>
    Dotlock,

    /// <summary>
    /// A lock file of mail_storage_lock_create (lib-storage/mail-storage.c) or file_create_locked
    /// (lib/file-create-locked.c): an empty file held by fcntl or flock on itself; with <c>lock_method=dotlock</c> the
    /// same name is a suffix-less dotlock judged by the dotlock rules.
    /// </summary>
    LockFile,
}

/// <summary>What is at a path that may be one of Dovecot's lock files.</summary>
public enum DovecotLockFileState
{
    /// <summary>A regular file with the name of a lock file Dovecot creates.</summary>
    LockFile,

    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>The name is not one Dovecot gives a lock file (<c>random.lock</c>, <c>.pwd.lock</c>).</summary>
    NotDovecotName,

    /// <summary>A symbolic link: Dovecot creates its locks with O_EXCL or link(), never as links, so it is no lock of Dovecot's.</summary>
    SymbolicLink,

    /// <summary>A folder, fifo or device with a lock file's name.</summary>
    NotRegularFile,
}

/// <summary>One name Dovecot gives a lock file, with the file it protects and how long until Dovecot calls it stale.</summary>
public sealed class DovecotLockFile
{
    internal DovecotLockFile(string protectedName, string suffix, DovecotLockKind kind, int staleSeconds, string source, int hashLength = 0, string hashSeparator = "", bool hashRequired = false)
    {
        HashRequired = hashRequired;
        ProtectedName = protectedName;
        Suffix = suffix;
        Kind = kind;
        StaleTimeout = TimeSpan.FromSeconds(staleSeconds);
        Source = source;
        HashLength = hashLength;
        HashSeparator = hashSeparator;
    }

    /// <summary>The lock file's name (without a hash suffix): <c>dovecot-uidlist.lock</c>, <c>mailboxes.lock</c>.</summary>
    public string Name => ProtectedName + Suffix;

    /// <summary>The file the lock protects: <c>dovecot-uidlist</c>; the lock file itself for a suffix-less lock.</summary>
    public string ProtectedName { get; }

    /// <summary>The dotlock suffix (<c>.lock</c>, <c>.newlock</c>), empty when the name itself is the lock.</summary>
    public string Suffix { get; }

    /// <summary>How Dovecot creates and judges it.</summary>
    public DovecotLockKind Kind { get; }

    /// <summary>Dovecot's stale timeout for it (dotlock_settings.stale_timeout).</summary>
    public TimeSpan StaleTimeout { get; }

    /// <summary>Where Dovecot 2.3.19 creates it (a file under src/ of dovecot/core).</summary>
    public string Source { get; }

    /// <summary>
    /// Hex digits Dovecot appends when the lock lives in VOLATILEDIR (a SHA1 of the namespace prefix or the mailbox
    /// name) or per message id (MD5); 0 when the name is fixed.
    /// </summary>
    internal int HashLength { get; }

    /// <summary>What goes between the name and the hex digits.</summary>
    internal string HashSeparator { get; }

    /// <summary>Whether Dovecot always appends the hex digits (the name alone is then not its).</summary>
    internal bool HashRequired { get; }

    /// <summary>Whether <paramref name="fileName"/> is this lock's name (with its hash suffix where Dovecot adds one).</summary>
    internal bool Matches(string fileName)
    {
        string name = Name;
        if (string.Equals(fileName, name, StringComparison.Ordinal))
        {
            return !HashRequired;
        }

        int hashAt = name.Length + HashSeparator.Length;
        if (HashLength == 0 || fileName.Length != hashAt + HashLength || !fileName.StartsWith(name + HashSeparator, StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = hashAt; i < fileName.Length; i++)
        {
            // binary_to_hex writes lowercase.
            if (fileName[i] is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// Every lock file Dovecot 2.3.19 creates in a mail, index, control or home folder, from its source (dovecot/core tag
/// 2.3.19.1: every file_dotlock_create, file_dotlock_open*, file_create_locked and mail_storage_lock_create with the
/// names it is given). Only these are ever listed or removed as locks: a <c>.lock</c> file of any other name is not
/// Dovecot's and is left alone, whatever it contains.
/// </summary>
/// <remarks>
/// Left out on purpose, with the reason:
/// mbox dotlocks (<c>&lt;mbox file&gt;.lock</c>, index/mbox/mbox-lock.c) are named after the mailbox, so a name cannot
/// tell them from anyone's <c>x.lock</c>: recognising them needs the mail_location and the mbox file, not done yet;
/// mdbox <c>m.N.lock</c> (index/dbox-common/dbox-file.c) only exists where flock() does not (HAVE_FLOCK: Linux uses
/// flock); quota's <c>maildirsize</c> is rewritten through safe_mkstemp and rename (plugins/quota/quota-maildir.c), its
/// dotlock settings are unused, so there is no maildirsize.lock; dict-file, fs-posix and master-instance dotlocks lock
/// configured paths outside mail folders.
/// </remarks>
public static class DovecotLockFiles
{
    /// <summary>What a dotlock's name adds to the name of the file it locks (<c>dovecot-uidlist.lock</c>).</summary>
    public const string DotlockSuffix = Dotlock.Suffix;

    private const string Lock = DotlockSuffix;

    /// <summary>Every lock file name Dovecot creates in mail folders.</summary>
    public static readonly IReadOnlyList<DovecotLockFile> All = new DovecotLockFile[]
    {
        // lib-storage/index/maildir/maildir-uidlist.c (MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT, maildir-uidlist.h); always a
        // dotlock, whatever lock_method says. util/maildirlock.c takes the same one.
        new(DovecotFileNames.UidList, Lock, DovecotLockKind.Dotlock, 120, "src/lib-storage/index/maildir/maildir-uidlist.c"),

        // lib-storage/index/maildir/maildir-keywords.c (KEYWORDS_LOCK_STALE_TIMEOUT).
        new(DovecotFileNames.Keywords, Lock, DovecotLockKind.Dotlock, 120, "src/lib-storage/index/maildir/maildir-keywords.c"),

        // lib-storage/list/subscription-file.c (SUBSCRIPTION_FILE_CHANGE_TIMEOUT): "subscriptions" for Maildir and dbox
        // (maildir-storage.h, dbox-storage.h), ".subscriptions" for mbox (mbox-storage.h).
        new("subscriptions", Lock, DovecotLockKind.Dotlock, 30, "src/lib-storage/list/subscription-file.c"),
        new(".subscriptions", Lock, DovecotLockKind.Dotlock, 30, "src/lib-storage/list/subscription-file.c"),

        // lib-index/mail-transaction-log-file.c with lock_method=dotlock (MAIL_TRANSACTION_LOG_DOTLOCK_CHANGE_TIMEOUT), for
        // every index: a mailbox's, the mailbox list index (MAILBOX_LIST_INDEX_PREFIX) and mdbox's map
        // (MDBOX_GLOBAL_INDEX_PREFIX).
        new(DovecotFileNames.IndexLog, Lock, DovecotLockKind.Dotlock, 180, "src/lib-index/mail-transaction-log-file.c"),
        new(DovecotFileNames.ListIndexLog, Lock, DovecotLockKind.Dotlock, 180, "src/lib-index/mail-transaction-log-file.c"),
        new(DovecotFileNames.MapIndexLog, Lock, DovecotLockKind.Dotlock, 180, "src/lib-index/mail-transaction-log-file.c"),

        // The same file, LOG_NEW_DOTLOCK_SUFFIX: the dotlock a new log is written in before it is renamed over the log
        // (any lock_method), with the log's dotlock settings.
        new(DovecotFileNames.IndexLog, ".newlock", DovecotLockKind.Dotlock, 180, "src/lib-index/mail-transaction-log-file.c"),
        new(DovecotFileNames.ListIndexLog, ".newlock", DovecotLockKind.Dotlock, 180, "src/lib-index/mail-transaction-log-file.c"),
        new(DovecotFileNames.MapIndexLog, ".newlock", DovecotLockKind.Dotlock, 180, "src/lib-index/mail-transaction-log-file.c"),

        // lib-index/mail-cache.c with lock_method=dotlock (MAIL_CACHE_LOCK_CHANGE_TIMEOUT).
        new(DovecotFileNames.IndexCache, Lock, DovecotLockKind.Dotlock, 300, "src/lib-index/mail-cache.c"),
        new(DovecotFileNames.ListIndexCache, Lock, DovecotLockKind.Dotlock, 300, "src/lib-index/mail-cache.c"),
        new(DovecotFileNames.MapIndexCache, Lock, DovecotLockKind.Dotlock, 300, "src/lib-index/mail-cache.c"),

        // lib-index/mail-index-strmap.c with lock_method=dotlock: the thread index (MAIL_THREAD_INDEX_SUFFIX).
        new("dovecot.index.thread", Lock, DovecotLockKind.Dotlock, 30, "src/lib-index/mail-index-strmap.c"),

        // lib-storage/mail-duplicate.c: the LDA/LMTP duplicate database in the home (".dovecot." + DUPLICATE_DB_NAME).
        new(".dovecot.lda-dupes", Lock, DovecotLockKind.Dotlock, 10, "src/lib-storage/mail-duplicate.c"),

        // pop3/pop3-client.c: POP3_LOCK_FNAME with lock_suffix "" (POP3_SESSION_DOTLOCK_STALE_TIMEOUT_SECS).
        new("dovecot-pop3-session.lock", string.Empty, DovecotLockKind.Dotlock, 300, "src/pop3/pop3-client.c"),

        // plugins/acl/acl-backend-vfile-update.c (ACL_FILENAME).
        new("dovecot-acl", Lock, DovecotLockKind.Dotlock, 120, "src/plugins/acl/acl-backend-vfile-update.c"),

        // plugins/fts-squat/squat-trie.c and squat-uidlist.c with lock_method=dotlock (SQUAT_TRIE_DOTLOCK_STALE_TIMEOUT).
        new("dovecot.index.search", Lock, DovecotLockKind.Dotlock, 900, "src/plugins/fts-squat/squat-trie.c"),
        new("dovecot.index.search.uids", Lock, DovecotLockKind.Dotlock, 900, "src/plugins/fts-squat/squat-uidlist.c"),

        // mail_storage_lock_create (lib-storage/mail-storage.c): a dotlock's stale timeout is I_MAX(60*5, lock secs).
        // mailbox-list.c MAILBOX_LIST_LOCK_FNAME; in VOLATILEDIR the SHA1 of the namespace prefix is appended.
        new("mailboxes.lock", string.Empty, DovecotLockKind.LockFile, 300, "src/lib-storage/mailbox-list.c", 40),

        // mailbox_lock_file_create (mail-storage.c) in the index folder; in VOLATILEDIR "." + SHA1 of the mailbox name.
        new("dovecot-vsize.lock", string.Empty, DovecotLockKind.LockFile, 300, "src/lib-storage/index/index-mailbox-size.c", 40, "."),
        new(".dovecot-box-sync.lock", string.Empty, DovecotLockKind.LockFile, 300, "src/doveadm/dsync/dsync-mailbox.c", 40, "."),

        // mail_user_lock_file_create (mail-user.c) in the home or VOLATILEDIR.
        new("dovecot.autoexpunge.lock", string.Empty, DovecotLockKind.LockFile, 300, "src/lib-storage/mail-autoexpunge.c"),

        // file_create_locked directly: dsync's user lock in the home (DSYNC_LOCK_FILENAME), and one lock per message id
        // in .dovecot.lda-dupes.locks/ (DUPLICATE_LOCK_FNAME_PREFIX + MD5 hex), both fcntl.
        new(".dovecot-sync.lock", string.Empty, DovecotLockKind.LockFile, 300, "src/doveadm/dsync/dsync-brain.c"),
        new("duplicate.lock", string.Empty, DovecotLockKind.LockFile, 300, "src/lib-storage/mail-duplicate.c", 32, ".", hashRequired: true),
    };

    /// <summary>The lock Dovecot would name <paramref name="fileName"/> (a bare file name), or null when it is none of Dovecot's.</summary>
    public static DovecotLockFile? Recognize(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);

        // Every name has "lock" in it: most files of a Maildir's cur/ are rejected here at once.
        if (!fileName.Contains("lock", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var lockFile in All)
        {
            if (lockFile.Matches(fileName))
            {
                return lockFile;
            }
        }

        return null;
    }

    /// <summary>
    /// The file a Dovecot lock at <paramref name="lockPath"/> protects: the path without the suffix, or the lock itself
    /// for a suffix-less one.
    /// </summary>
    public static string ProtectedPathOf(string lockPath, DovecotLockFile lockFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockPath);
        ArgumentNullException.ThrowIfNull(lockFile);
        return lockFile.Suffix.Length > 0 && lockPath.EndsWith(lockFile.Suffix, StringComparison.Ordinal) ? lockPath[..^lockFile.Suffix.Length] : lockPath;
    }

    /// <summary>
    /// Dovecot's stale timeout for a dotlock <c>.lock</c> of the file named <paramref name="protectedName"/>, or null
    /// when Dovecot takes no such dotlock.
    /// </summary>
    public static TimeSpan? StaleTimeoutOfDotlockOn(string protectedName)
    {
        foreach (var lockFile in All)
        {
            if (lockFile.Suffix == Lock && string.Equals(lockFile.ProtectedName, protectedName, StringComparison.Ordinal))
            {
                return lockFile.StaleTimeout;
            }
        }

        return null;
    }

    /// <summary>
    /// What is at <paramref name="path"/>, looked at with lstat (a link is never followed): a lock file of Dovecot's
    /// (then <paramref name="lockFile"/> says which), or why it is not one.
    /// </summary>
    public static DovecotLockFileState Inspect(string path, out DovecotLockFile? lockFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lockFile = Recognize(System.IO.Path.GetFileName(path));
        if (Libc.lstat(path, out var st) < 0)
        {
            int errno = Libc.LastErrno;
            return errno is Libc.ENOENT or Libc.ENOTDIR ? DovecotLockFileState.Missing : throw Libc.Failure("lstat", path, errno);
        }

        if (lockFile == null)
        {
            return DovecotLockFileState.NotDovecotName;
        }

        if (Libc.IsSymlink(st.st_mode))
        {
            return DovecotLockFileState.SymbolicLink;
        }

        return Libc.IsRegular(st.st_mode) ? DovecotLockFileState.LockFile : DovecotLockFileState.NotRegularFile;
    }

    /// <summary>Why <paramref name="path"/> in <paramref name="state"/> is not a lock (for warnings and errors).</summary>
    public static string Explain(string path, DovecotLockFileState state) => state switch
    {
        DovecotLockFileState.SymbolicLink => path + " is a symbolic link, not a lock: Dovecot creates its lock files as regular files, so this one is neither listed nor removed.",
        DovecotLockFileState.NotRegularFile => path + " is not a regular file, so it is no lock of Dovecot's: neither listed nor removed.",
        DovecotLockFileState.NotDovecotName => path + " is not a lock file Dovecot creates (Dovecot's are dovecot-uidlist.lock, dovecot-keywords.lock, subscriptions.lock, dovecot.index.log.lock, mailboxes.lock and the others of Dovecot 2.3.19; mbox dotlocks are not recognised yet): left alone.",
        DovecotLockFileState.Missing => path + " does not exist.",
        _ => path + " is a lock file of Dovecot's.",
    };
}
