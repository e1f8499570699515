namespace MailStorage.Core.Caching;

/// <summary>How an index file (dovecot.index, dovecot.index.log, dovecot.index.cache) is held in memory and revalidated.</summary>
public enum IndexCacheMode
{
    /// <summary>Map the file (Dovecot's default); remapped when its size or inode changes. Coherent only with writers on this host.</summary>
    Mmap,

    /// <summary>Dovecot's <c>mmap_disable=yes</c>: read into memory, revalidated by device, inode, size, mtime and ctime before each use.</summary>
    Buffered,

    /// <summary>
    /// Dovecot's <c>mail_nfs_index=yes</c>: first flush what the client caches, with chown(path, -1, -1) (Dovecot's own
    /// flush) and a listing of the folder (which GlusterFS needs for small files), then as <see cref="Buffered"/>;
    /// another host's writes show at once (see <see cref="FileSystems.AttributeFlush"/>).
    /// </summary>
    BufferedFlush,
}
