using System;
using System.Collections.Generic;
using System.IO;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// What <c>IndexCacheMode.BufferedFlush</c> (Caching, which builds on this namespace) does before it trusts a file, so that another client's write shows
/// at once. Measured on the GlusterFS test bed (two FUSE clients of one volume, gluster's default client translators;
/// IndexCacheGlusterFsTests): after client A changed a file, client B saw
/// <list type="bullet">
/// <item>nothing new for about 1 s without a flush (the kernel's attribute timeout and gluster's md-cache);</item>
/// <item>after chown(path, -1, -1): the new size, mtime and inode (also of a file renamed over the name) at once, and
/// new content of files over 64 KiB; but the content of smaller files stayed up to 1 s old: gluster's quick-read
/// translator keeps whole small files and drops them only when a lookup or a directory listing shows a new mtime;</item>
/// <item>after a listing of the parent folder: everything at once, small files included: FUSE's READDIRPLUS carries
/// every entry's current attributes, the kernel drops the pages of a file whose attributes changed, and quick-read
/// drops its copy. It costs a round trip per page of entries (about 2 ms for 10 entries, 30 ms for 1,000);</item>
/// <item>no effect at all: open+close (Dovecot's flush of an unlocked file), an fcntl or flock lock and unlock,
/// reopening the descriptor, an O_DIRECT read, posix_fadvise(DONTNEED), statx(AT_STATX_FORCE_SYNC), chown of the
/// parent folder; fsync of the reading descriptor works but waits out the full second.</item>
/// </list>
/// So the flush is chown(path, -1, -1), Dovecot's own for <c>mail_nfs_index</c> (on NFS it flushes the attribute
/// cache), then a listing of the folder, which reaches the caches chown does not.
/// </summary>
internal static class AttributeFlush
{
    /// <summary>
    /// chown(path, -1, -1): changes nothing, but the filesystem must ask the server, so the attributes it caches for the
    /// name are fresh afterwards. Failures (a missing file, EPERM for a user who does not own it on NFS) are fine: the
    /// call exists for its side effect, and ESTALE itself flushes.
    /// </summary>
    public static void File(string path) => _ = Libc.chown(path, Libc.NoChange, Libc.NoChange);

    /// <summary>
    /// Lists <paramref name="directory"/> from its start, stopping once every name in <paramref name="names"/> has been
    /// listed (the entries come a page at a time; a name is refreshed with the page that lists it), or at the end.
    /// A missing or unreadable folder is left alone: the file reads that follow report it.
    /// </summary>
    public static void Directory(string directory, IReadOnlyCollection<string> names)
    {
        var pending = new HashSet<string>(names, StringComparer.Ordinal);
        try
        {
            foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(directory))
            {
                if (pending.Remove(System.IO.Path.GetFileName(entry)) && pending.Count == 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Nothing to flush; the reads report the folder's problem with its own errno.
        }
    }
}
