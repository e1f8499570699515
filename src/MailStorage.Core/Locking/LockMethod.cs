namespace MailStorage.Core.Locking;

/// <summary>How a file is locked: Dovecot's <c>lock_method</c>.</summary>
public enum LockMethod
{
    /// <summary>
    /// A whole-file fcntl record lock. MailStorage takes it as an open-file-description (OFD) lock, which conflicts with
    /// the classic per-process fcntl locks Dovecot takes, and is not dropped when some other descriptor of the file is closed.
    /// </summary>
    Fcntl,

    /// <summary>flock(2) on the file. On local Linux filesystems flock and fcntl locks do not see each other.</summary>
    Flock,

    /// <summary>Dovecot's dotlock: a <c>&lt;file&gt;.lock</c> file holding <c>pid:hostname</c>.</summary>
    Dotlock,
}
