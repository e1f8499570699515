using System;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.FileSystems;

namespace MailStorage.Core.Caching;

/// <summary>The <see cref="IndexCacheMode"/> that matches how Dovecot itself reads the indexes.</summary>
public static class IndexCacheModes
{
    /// <summary>
    /// The mode for a configuration and/or a detected filesystem, first rule that applies:
    /// <list type="number">
    /// <item><c>mail_nfs_index=yes</c> → <see cref="IndexCacheMode.BufferedFlush"/>: Dovecot flushes attributes before it
    /// trusts an index file; so do we, and see what it sees.</item>
    /// <item><c>mmap_disable=yes</c> → <see cref="IndexCacheMode.Buffered"/>: Dovecot reads and revalidates by stat.</item>
    /// <item>a shared (or mmap-incoherent) filesystem → <see cref="IndexCacheMode.Buffered"/>: a mapping never sees another
    /// client's writes (measured on GlusterFS: never, not merely late), while stat-based revalidation does once the
    /// attribute cache expires. No flush: that costs a round trip per use and the configuration did not ask for it.</item>
    /// <item>otherwise → <see cref="IndexCacheMode.Mmap"/>: Dovecot's default; on a local filesystem the page cache is
    /// shared with the writer, so a mapping is always current and costs no reads.</item>
    /// </list>
    /// </summary>
    public static IndexCacheMode ForConfig(DovecotConfig? config, DetectedFileSystem? fs, ConfigFilter? filter = null)
    {
        if (config != null)
        {
            if (config.FatalError is { } fatal)
            {
                throw new FormatException("Dovecot would refuse " + config.Path + ": " + fatal.DoveconfText);
            }

            if (IsYes(config.GetValue("mail_nfs_index", filter)))
            {
                return IndexCacheMode.BufferedFlush;
            }

            if (IsYes(config.GetValue("mmap_disable", filter)))
            {
                return IndexCacheMode.Buffered;
            }
        }

        if (fs != null && (fs.Traits.Shared || !fs.Traits.MmapCoherent))
        {
            return IndexCacheMode.Buffered;
        }

        return IndexCacheMode.Mmap;
    }

    private static bool IsYes(string? value) =>
        value != null && (value.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Trim() == "1" ||
                          value.Trim().Equals("y", StringComparison.OrdinalIgnoreCase));
}
