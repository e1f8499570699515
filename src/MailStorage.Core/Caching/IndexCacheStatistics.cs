namespace MailStorage.Core.Caching;

/// <summary>What an <see cref="IndexCache"/> (or one <see cref="IndexFileView"/>) has done.</summary>
/// <param name="Views">Views held (1 for a single view).</param>
/// <param name="BytesRead">Bytes read from files (Buffered modes; a mapping reads nothing itself).</param>
/// <param name="Revalidations">Times a view checked its file before use.</param>
/// <param name="Rereads">Times a check found a change and (re)read or remapped the file, fully or incrementally.</param>
public sealed record IndexCacheStatistics(int Views, long BytesRead, long Revalidations, long Rereads);
