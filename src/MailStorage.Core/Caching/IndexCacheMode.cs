namespace MailStorage.Core.Caching;

/// <summary>How an index file (dovecot.index, dovecot.index.log, dovecot.index.cache) is held in memory and revalidated.</summary>
public enum IndexCacheMode
{
    /// <summary>Map the file (Dovecot's default); remapped when its size or inode changes. Coherent only with writers on this host.</summary>
    Mmap,

    /// <summary>Dovecot's <c>mmap_disable=yes</c>: read into memory, revalidated by device, inode, size, mtime and ctime before each use.</summary>
    Buffered,

    /// <summary>Dovecot's <c>mail_nfs_index=yes</c>: flush the attribute cache (chown/fchown to -1,-1) first, then as <see cref="Buffered"/>.</summary>
    BufferedFlush,
}
