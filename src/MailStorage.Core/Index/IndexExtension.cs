using System;

namespace MailStorage.Core.Index;

/// <summary>Byte offsets of <c>struct mail_index_ext_header</c>.</summary>
internal static class IndexExtensionFields
{
    public const int HeaderDataSize = 0;
    public const int ResetId = 4;
    public const int RecordOffset = 8;
    public const int RecordSize = 10;
    public const int RecordAlign = 12;
    public const int NameSize = 14;
    public const int Name = 16;
    public const int MaxHeaderSize = (16 * 1024 * 1024) - 1;
    public const int MaxRecordSize = 32768;
    public const int MaxNameLength = 64;
}

/// <summary>One extension of <c>dovecot.index</c>: its header data (kept raw) and its field in every record.</summary>
public sealed class IndexExtension
{
    internal IndexExtension(string name, long headerOffset, byte[] header, uint resetId, ushort recordOffset, ushort recordSize, ushort recordAlign)
    {
        Name = name;
        HeaderOffset = headerOffset;
        Header = header;
        ResetId = resetId;
        RecordOffset = recordOffset;
        RecordSize = recordSize;
        RecordAlign = recordAlign;
    }

    /// <summary>The name (<c>keywords</c>, <c>cache</c>, <c>maildir</c>, <c>hdr-vsize</c>, ...).</summary>
    public string Name { get; }

    /// <summary>File offset of the extension's header data.</summary>
    public long HeaderOffset { get; }

    /// <summary>The extension's header data, as on disk.</summary>
    public ReadOnlyMemory<byte> Header { get; }

    /// <summary>reset_id.</summary>
    public uint ResetId { get; }

    /// <summary>Offset of this extension's field inside each record.</summary>
    public ushort RecordOffset { get; }

    /// <summary>Size of the field in each record (0 = header only).</summary>
    public ushort RecordSize { get; }

    /// <summary>Alignment of the record field.</summary>
    public ushort RecordAlign { get; }
}
