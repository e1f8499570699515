using MailStorage.Core.Caching;

namespace MailStorage.PowerShell;

/// <summary>What the session's index cache holds and has done, as Get-MailIndexCache and Clear-MailIndexCache -PassThru report it.</summary>
public sealed class MailIndexCacheStatistics
{
    internal MailIndexCacheStatistics(IndexCacheStatistics statistics)
    {
        Views = statistics.Views;
        BytesRead = statistics.BytesRead;
        Revalidations = statistics.Revalidations;
        Rereads = statistics.Rereads;
    }

    /// <summary>Index files held (one per file and cache mode).</summary>
    public int Views { get; }

    /// <summary>Bytes read from index files since the cache was made (Buffered modes; a mapping reads nothing itself).</summary>
    public long BytesRead { get; }

    /// <summary>Times a file was checked before use.</summary>
    public long Revalidations { get; }

    /// <summary>Checks that found a change and read (or mapped) the file again, whole or from its old end.</summary>
    public long Rereads { get; }
}
