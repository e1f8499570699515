using System;
using System.Diagnostics.CodeAnalysis;

namespace MailStorage.Core.Index;

/// <summary>The type word of a transaction record (<c>enum mail_transaction_type</c>): a type code plus flag bits.</summary>
[Flags]
[SuppressMessage("Design", "CA1028", Justification = "The on-disk word is a u32.")]
[SuppressMessage("Naming", "CA1714", Justification = "Dovecot's own name: enum mail_transaction_type.")]
public enum TransactionLogRecordType : uint
{
    /// <summary>No type.</summary>
    None = 0,

    /// <summary>MAIL_TRANSACTION_EXPUNGE: {uid1, uid2} ranges; must carry <see cref="ExpungeProtection"/>.</summary>
    Expunge = 0x00000001,

    /// <summary>MAIL_TRANSACTION_APPEND: base records {uid, flags, pad}.</summary>
    Append = 0x00000002,

    /// <summary>MAIL_TRANSACTION_FLAG_UPDATE: {uid1, uid2, add, remove, modseq_inc, pad}.</summary>
    FlagUpdate = 0x00000004,

    /// <summary>MAIL_TRANSACTION_HEADER_UPDATE: {u16 offset, u16 size, data} patches of the base header.</summary>
    HeaderUpdate = 0x00000020,

    /// <summary>MAIL_TRANSACTION_EXT_INTRO.</summary>
    ExtIntro = 0x00000040,

    /// <summary>MAIL_TRANSACTION_EXT_RESET.</summary>
    ExtReset = 0x00000080,

    /// <summary>MAIL_TRANSACTION_EXT_HDR_UPDATE.</summary>
    ExtHdrUpdate = 0x00000100,

    /// <summary>MAIL_TRANSACTION_EXT_REC_UPDATE.</summary>
    ExtRecUpdate = 0x00000200,

    /// <summary>MAIL_TRANSACTION_KEYWORD_UPDATE.</summary>
    KeywordUpdate = 0x00000400,

    /// <summary>MAIL_TRANSACTION_KEYWORD_RESET.</summary>
    KeywordReset = 0x00000800,

    /// <summary>MAIL_TRANSACTION_EXT_ATOMIC_INC.</summary>
    ExtAtomicInc = 0x00001000,

    /// <summary>MAIL_TRANSACTION_EXPUNGE_GUID: {uid, guid[16]}.</summary>
    ExpungeGuid = 0x00002000,

    /// <summary>MAIL_TRANSACTION_MODSEQ_UPDATE.</summary>
    ModseqUpdate = 0x00008000,

    /// <summary>MAIL_TRANSACTION_EXT_HDR_UPDATE32.</summary>
    ExtHdrUpdate32 = 0x00010000,

    /// <summary>MAIL_TRANSACTION_INDEX_DELETED.</summary>
    IndexDeleted = 0x00020000,

    /// <summary>MAIL_TRANSACTION_INDEX_UNDELETED.</summary>
    IndexUndeleted = 0x00040000,

    /// <summary>MAIL_TRANSACTION_BOUNDARY: {u32 size} of the whole transaction.</summary>
    Boundary = 0x00080000,

    /// <summary>MAIL_TRANSACTION_ATTRIBUTE_UPDATE.</summary>
    AttributeUpdate = 0x00100000,

    /// <summary>MAIL_TRANSACTION_TYPE_MASK.</summary>
    TypeMask = 0x0fffffff,

    /// <summary>MAIL_TRANSACTION_EXPUNGE_PROT, ORed into expunge types.</summary>
    ExpungeProtection = 0x0000cd90,

    /// <summary>MAIL_TRANSACTION_EXTERNAL: the change already happened in the backend.</summary>
    External = 0x10000000,

    /// <summary>MAIL_TRANSACTION_SYNC (dsync).</summary>
    Sync = 0x20000000,
}

/// <summary>One record of a transaction log: where it is, its type word and payload (a view over the file).</summary>
public readonly ref struct TransactionLogRecord
{
    internal TransactionLogRecord(long offset, TransactionLogRecordType type, ReadOnlySpan<byte> payload, bool valid)
    {
        Offset = offset;
        RawType = type;
        Payload = payload;
        IsValid = valid;
    }

    /// <summary>File offset of the record header.</summary>
    public long Offset { get; }

    /// <summary>The type word as stored (code and flags).</summary>
    public TransactionLogRecordType RawType { get; }

    /// <summary>The type code alone (<c>EXPUNGE</c> without its protection bits, no flags).</summary>
    public TransactionLogRecordType Type => TransactionLogFile.CodeOf(RawType);

    /// <summary>Whether the change already happened in the backend.</summary>
    public bool IsExternal => (RawType & TransactionLogRecordType.External) != 0;

    /// <summary>The payload after the 8-byte record header.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>False when the record failed Dovecot's validation (a problem says why); replay skips it.</summary>
    public bool IsValid { get; }

    /// <summary>Offset just past the record.</summary>
    public long End => Offset + TransactionLogFile.RecordHeaderSize + Payload.Length;
}
