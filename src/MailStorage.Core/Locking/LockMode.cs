namespace MailStorage.Core.Locking;

/// <summary>Whether a lock excludes everyone or only writers.</summary>
public enum LockMode
{
    /// <summary>A write lock (fcntl F_WRLCK, LOCK_EX, or a dotlock): what Dovecot takes on its index files.</summary>
    Exclusive,

    /// <summary>A read lock (fcntl F_RDLCK, LOCK_SH): shared with other readers. Dotlocks have no shared mode.</summary>
    Shared,
}
