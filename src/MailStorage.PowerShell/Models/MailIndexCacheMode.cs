using Engine = MailStorage.Core.Caching;

namespace MailStorage.PowerShell;

/// <summary>How Get-MailIndex and Get-MailIndexRecord read the index files (Dovecot's own choice depends on mmap_disable and mail_nfs_index).</summary>
public enum MailIndexCacheMode
{
    /// <summary>Map the files, as Dovecot does by default; right only when every writer is on this host.</summary>
    Mmap = Engine.IndexCacheMode.Mmap,

    /// <summary>Read them, revalidated by inode, size and times before each use (mmap_disable=yes); a grown log is read from its old end.</summary>
    Buffered = Engine.IndexCacheMode.Buffered,

    /// <summary>As Buffered, after flushing the NFS/FUSE caches (mail_nfs_index=yes): another host's writes show at once.</summary>
    BufferedFlush = Engine.IndexCacheMode.BufferedFlush,
}
