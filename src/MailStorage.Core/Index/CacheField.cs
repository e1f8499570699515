using System;

namespace MailStorage.Core.Index;

/// <summary>How a cache field's data is laid out (enum mail_cache_field_type).</summary>
public enum CacheFieldType
{
    /// <summary>Fixed size, given once in the field header.</summary>
    FixedSize = 0,

    /// <summary>Variable sized binary data (u32 size before the data).</summary>
    VariableSize = 1,

    /// <summary>Variable sized string.</summary>
    String = 2,

    /// <summary>Fixed size bitmask (flags).</summary>
    Bitmask = 3,

    /// <summary>Message header: 0-terminated u32 line numbers, then the raw header lines.</summary>
    Header = 4,
}

/// <summary>Caching decision of a field (enum mail_cache_decision_type without the forced bit).</summary>
public enum CacheDecision
{
    /// <summary>Not cached.</summary>
    No = 0,

    /// <summary>Cached for new mails only; dropped when purging.</summary>
    Temp = 1,

    /// <summary>Cached for all mails.</summary>
    Yes = 2,
}

/// <summary>One field declared in the cache file's (latest) field header.</summary>
public sealed record CacheField(
    int Index,
    string Name,
    CacheFieldType Type,
    uint Size,
    CacheDecision Decision,
    bool Forced,
    uint LastUsed)
{
    /// <summary>The (uint)-1 size of variable sized fields.</summary>
    public const uint VariableSizeMarker = uint.MaxValue;

    /// <summary>Whether each record stores a u32 size before the data.</summary>
    public bool IsVariable => Size == VariableSizeMarker;

    /// <summary>When the field was last used (unix time in the file).</summary>
    public DateTimeOffset LastUsedTime => DateTimeOffset.FromUnixTimeSeconds(LastUsed);
}

/// <summary>Where a field header block lies in the cache file (the chain from the header's field_header_offset).</summary>
public readonly record struct CacheFieldHeaderBlock(uint Offset, uint Size, uint FieldsCount, uint NextOffset);

/// <summary>A cache record: <c>prev_offset</c> (older record of the same message, 0 = none) and its full size.</summary>
public readonly record struct CacheRecord(uint Offset, uint PrevOffset, uint Size);

/// <summary>One field's data inside a record: file field index and where its bytes are in the file.</summary>
public readonly record struct CacheFieldData(int FieldIndex, int DataOffset, int Length);
