using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using static MailStorage.Core.InvariantFormat;

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

/// <summary>
/// A parsed <c>dovecot.index.log</c> or <c>.log.2</c>: header and every complete record, with the problems Dovecot
/// reports while reading and validating it (mail-transaction-log-file.c, mail-transaction-log-view.c). Never throws on
/// malformed content.
/// </summary>
public sealed class TransactionLogFile
{
    /// <summary>sizeof(struct mail_transaction_header).</summary>
    internal const int RecordHeaderSize = 8;

    private readonly ReadOnlyMemory<byte> data;
    private readonly List<IndexProblem> problems = new();

    // The records found, shared with the parse this one extends (see Extend); only the first recordCount are ours.
    private RecordStore store = new();
    private int recordCount;

    // A copy of the header as parsed: a mapping shows later in-place changes (Dovecot's "marked corrupted"), which
    // Extend must notice although the mapped bytes no longer differ.
    private byte[] headerBytes = Array.Empty<byte>();

    private TransactionLogFile(string file, ReadOnlyMemory<byte> data)
    {
        File = file;
        this.data = data;
        Header = TransactionLogHeader.Read(data.Span);
    }

    /// <summary>The file name used in problems.</summary>
    public string File { get; }

    /// <summary>The header.</summary>
    public TransactionLogHeader Header { get; }

    /// <summary>False when Dovecot would discard the file (short or unusable header).</summary>
    public bool IsUsable { get; private set; }

    /// <summary>Offset up to which complete records were read (Dovecot's sync_offset).</summary>
    public long SyncOffset { get; private set; }

    /// <summary>The file size read.</summary>
    public long Length => data.Length;

    /// <summary>What is wrong with the file.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>How many records were read.</summary>
    public int RecordCount => recordCount;

    /// <summary>The records in file order, enumerable with <c>foreach</c> without allocating.</summary>
    public RecordList Records => new(this);

    /// <summary>True when <see cref="Extend"/> made this parse by adding to the one it was called on (not by parsing anew).</summary>
    internal bool IsExtension { get; private init; }

    /// <summary>Reads a log without taking any lock.</summary>
    public static TransactionLogFile Read(string path)
    {
        using SafeFileHandle handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Parse(IndexFile.ReadAll(handle), path);
    }

    /// <summary>Parses the bytes of a transaction log (the array is kept, not copied).</summary>
    public static TransactionLogFile Parse(byte[] data, string file)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Parse(new ReadOnlyMemory<byte>(data), file);
    }

    /// <summary>
    /// Parses a transaction log held in memory, without copying it: records stay views over <paramref name="data"/>,
    /// which must stay valid as long as this object is used (memory from an <see cref="Caching.IndexFileView"/> does
    /// until the view is disposed).
    /// </summary>
    public static TransactionLogFile Parse(ReadOnlyMemory<byte> data, string file)
    {
        var log = new TransactionLogFile(file, data);
        log.headerBytes = data.Span[..Math.Min(data.Length, TransactionLogHeaderFields.Size)].ToArray();
        log.ReadRecords(log.Header.HeaderSize);
        return log;
    }

    /// <summary>
    /// This log after it grew: <paramref name="longer"/> must hold the bytes this parse was made from, unchanged, and
    /// possibly more after them (Dovecot only appends to a log; it replaces it by a new file to do anything else). Only
    /// the bytes past <see cref="SyncOffset"/> are parsed; the records before it are shared, not copied. The result equals
    /// <see cref="Parse(ReadOnlyMemory{byte}, string)"/> of <paramref name="longer"/>, which is what it falls back to when
    /// the header differs from this parse's (rewritten in place: "marked corrupted"), the log shrank, or this parse
    /// found the header unusable.
    /// </summary>
    public TransactionLogFile Extend(ReadOnlyMemory<byte> longer)
    {
        int headerLength = headerBytes.Length;
        if (!IsUsable || longer.Length < data.Length || !longer.Span[..headerLength].SequenceEqual(headerBytes))
        {
            return Parse(longer, File);
        }

        var log = new TransactionLogFile(File, longer) { headerBytes = headerBytes, IsUsable = true, recordCount = recordCount, IsExtension = true };

        // What was found at or after SyncOffset (a torn tail, garbage, an unfinished transaction) is found again, or not.
        foreach (IndexProblem problem in problems)
        {
            if (problem.Offset < SyncOffset)
            {
                log.problems.Add(problem);
            }
        }

        lock (store)
        {
            // The latest parse of a store appends to it; an older one (extended before) gets a copy of its own entries.
            log.store = store.Count == recordCount ? store : store.CopyOf(recordCount);
            log.ReadRecordsFrom(SyncOffset);
        }

        return log;
    }

    /// <summary>
    /// The logs a replay reads, oldest first: the usable ones of <paramref name="log2"/> and <paramref name="log"/>
    /// (either may be null), with the older dropped when its sequence is not below the newer's, as Dovecot opens
    /// them. Every problem of the files, and a duplicate sequence, is added to <paramref name="problems"/>.
    /// </summary>
    internal static List<TransactionLogFile> InReplayOrder(TransactionLogFile? log2, TransactionLogFile? log, List<IndexProblem> problems)
    {
        var logs = new List<TransactionLogFile>(2);
        foreach (TransactionLogFile? file in new[] { log2, log })
        {
            if (file != null)
            {
                problems.AddRange(file.Problems);
                if (file.IsUsable)
                {
                    logs.Add(file);
                }
            }
        }

        if (logs.Count == 2 && logs[0].Header.FileSeq >= logs[1].Header.FileSeq)
        {
            if (logs[0].Header.FileSeq == logs[1].Header.FileSeq)
            {
                problems.Add(new IndexProblem(logs[0].File, TransactionLogHeaderFields.FileSeq, "LogDuplicateSequence",
                    "duplicate transaction log sequence (" + logs[0].Header.FileSeq.ToString(CultureInfo.InvariantCulture) + ")"));
            }

            logs.RemoveAt(0);
        }

        return logs;
    }

    /// <summary>Decodes Dovecot's offset encoding (<c>mail_index_offset_to_uint32</c>); 0 means not written yet.</summary>
    public static uint DecodeOffset(ReadOnlySpan<byte> fourBytes)
    {
        uint x = BinaryPrimitives.ReadUInt32BigEndian(fourBytes);
        if ((x & 0x80808080) != 0x80808080)
        {
            return 0;
        }

        return ((x & 0x7f) | (((x >> 8) & 0x7f) << 7) | (((x >> 16) & 0x7f) << 14) | (((x >> 24) & 0x7f) << 21)) << 2;
    }

    /// <summary>The type code of a type word (EXPUNGE and EXPUNGE_GUID without their protection bits, no flags).</summary>
    public static TransactionLogRecordType CodeOf(TransactionLogRecordType raw)
    {
        var code = raw & TransactionLogRecordType.TypeMask;
        if ((code & TransactionLogRecordType.ExpungeProtection) == TransactionLogRecordType.ExpungeProtection)
        {
            code &= ~TransactionLogRecordType.ExpungeProtection;
        }

        return code;
    }

    private void Problem(long offset, string code, string message) => problems.Add(new IndexProblem(File, offset, code, message));

    // Checks the header, then reads the records from 'from'.
    private void ReadRecords(long from)
    {
        TransactionLogHeader h = Header;
        if (data.Length < TransactionLogHeaderFields.MinSize)
        {
            Problem(0, "LogHeaderTruncated", "unexpected end of file while reading header");
            return;
        }

        if (h.MajorVersion != TransactionLogHeaderFields.SupportedMajorVersion)
        {
            Problem(TransactionLogHeaderFields.MajorVersion, "LogMajorVersion", "Unsupported major version (" + N(h.MajorVersion) + ")");
            return;
        }

        if (h.HeaderSize < TransactionLogHeaderFields.MinSize)
        {
            Problem(TransactionLogHeaderFields.HeaderSize, "LogHeaderTooSmall", "Header size too small (" + N(h.HeaderSize) + ")");
            return;
        }

        if (h.HeaderSize > data.Length)
        {
            Problem(0, "LogHeaderTruncated", "unexpected end of file while reading header");
            return;
        }

        if (h.MinorVersion >= 2 && h.CompatFlags != 0x01)
        {
            Problem(TransactionLogHeaderFields.CompatFlags, "LogCompatFlags", "CPU architecture changed (compat_flags " + N(h.CompatFlags) + ")");
            return;
        }

        if (h.IndexId == 0)
        {
            Problem(TransactionLogHeaderFields.IndexId, "LogMarkedCorrupted", "Transaction log file " + File + ": marked corrupted");
        }

        IsUsable = true;
        ReadRecordsFrom(from);
    }

    private void ReadRecordsFrom(long offset)
    {
        ReadOnlySpan<byte> data = this.data.Span;
        while (offset + RecordHeaderSize <= data.Length)
        {
            uint size = DecodeOffset(data.Slice((int)offset, 4));
            if (size == 0)
            {
                break;
            }

            if (size < RecordHeaderSize)
            {
                Problem(offset, "LogRecordSizeTooSmall", "hdr.size too small (" + N(size) + ")");
                SyncOffset = offset;
                return;
            }

            if (offset + size > data.Length)
            {
                Problem(offset, "LogRecordTruncated", "Record at " + N(offset) + " truncated (size " + N(size) + ", file ends at " + N(data.Length) + ")");
                break;
            }

            var raw = (TransactionLogRecordType)BinaryPrimitives.ReadUInt32LittleEndian(data[((int)offset + 4)..]);
            ReadOnlySpan<byte> payload = data.Slice((int)offset + RecordHeaderSize, (int)size - RecordHeaderSize);
            if (CodeOf(raw) == TransactionLogRecordType.Boundary && payload.Length >= 4)
            {
                uint transactionSize = BinaryPrimitives.ReadUInt32LittleEndian(payload);
                if (offset + transactionSize > data.Length)
                {
                    // Still being written (or cut off): Dovecot stops before the whole transaction.
                    Problem(offset, "LogTransactionIncomplete", "Transaction at " + N(offset) + " not fully written (size " + N(transactionSize) + ", file ends at " + N(data.Length) + ")");
                    break;
                }

            }

            string? error = Validate(raw, payload);
            if (error != null)
            {
                Problem(offset, "LogRecordInvalid", "Invalid transaction log record at " + N(offset) + ": " + error);
            }

            store.Add(new RecordEntry((int)offset, (int)size, error == null));
            recordCount++;
            offset += size;
        }

        SyncOffset = offset;
        if (offset < data.Length)
        {
            Problem(offset, "LogGarbageAtEof", "Unexpected garbage at EOF (sync_offset=" + N(offset) + ")");
        }
    }

    private static string? Validate(TransactionLogRecordType raw, ReadOnlySpan<byte> payload)
    {
        var code = CodeOf(raw);
        var masked = raw & TransactionLogRecordType.TypeMask;
        if ((code == TransactionLogRecordType.Expunge || code == TransactionLogRecordType.ExpungeGuid) &&
            (masked & TransactionLogRecordType.ExpungeProtection) != TransactionLogRecordType.ExpungeProtection)
        {
            return "expunge record missing protection mask";
        }

        if (payload.Length == 0 && code != TransactionLogRecordType.IndexDeleted && code != TransactionLogRecordType.IndexUndeleted)
        {
            return "Empty record contents (type 0x" + ((uint)raw).ToString("x", CultureInfo.InvariantCulture) + ")";
        }

        switch (code)
        {
            case TransactionLogRecordType.Append:
                return payload.Length % 8 != 0 ? "Invalid append record size" : null;
            case TransactionLogRecordType.Expunge:
            case TransactionLogRecordType.KeywordReset:
                return payload.Length % 8 != 0 ? "Invalid record size" : CheckUidRanges(payload, 8);
            case TransactionLogRecordType.FlagUpdate:
                return payload.Length % 12 != 0 ? "Invalid flag update record size" : CheckUidRanges(payload, 12);
            case TransactionLogRecordType.ExpungeGuid:
                if (payload.Length % 20 != 0)
                {
                    return "Invalid expunge-guid record size";
                }

                for (int i = 0; i < payload.Length; i += 20)
                {
                    if (BinaryPrimitives.ReadUInt32LittleEndian(payload[i..]) == 0)
                    {
                        return "Expunge-guid record with uid=0";
                    }
                }

                return null;
            case TransactionLogRecordType.KeywordUpdate:
                if (payload.Length < 4)
                {
                    return "Invalid keyword update record size";
                }

                int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]);
                int rangesAt = (4 + nameSize + 3) & ~3;
                if (nameSize == 0 || rangesAt > payload.Length)
                {
                    return "Trying to use empty keyword or keyword name overflows record";
                }

                return (payload.Length - rangesAt) % 8 != 0 ? "Invalid keyword update record size" : CheckUidRanges(payload[rangesAt..], 8);
            case TransactionLogRecordType.Boundary:
                return payload.Length < 4 ? "Invalid boundary record size" : null;
            case TransactionLogRecordType.HeaderUpdate:
                return CheckHeaderUpdates(payload);
            case TransactionLogRecordType.ExtIntro:
                if (payload.Length < ExtIntroFields.Size)
                {
                    return "Invalid ext intro record size";
                }

                int extNameSize = ExtIntroRecord.ReadNameSize(payload);
                return ExtIntroFields.Size + extNameSize > payload.Length ? "Ext intro name too long" : null;
            default:
                return null;
        }
    }

    private static string? CheckUidRanges(ReadOnlySpan<byte> ranges, int stride)
    {
        uint previous = 0;
        for (int i = 0; i + 8 <= ranges.Length; i += stride)
        {
            uint uid1 = BinaryPrimitives.ReadUInt32LittleEndian(ranges[i..]);
            uint uid2 = BinaryPrimitives.ReadUInt32LittleEndian(ranges[(i + 4)..]);
            if (uid1 > uid2 || uid1 == 0)
            {
                return "Invalid UID range (" + N(uid1) + " .. " + N(uid2) + ")";
            }

            if (i > 0 && uid1 <= previous)
            {
                return "Non-sorted UID ranges";
            }

            previous = uid2;
        }

        return null;
    }

    private static string? CheckHeaderUpdates(ReadOnlySpan<byte> payload)
    {
        int pos = 0;
        while (pos < payload.Length)
        {
            if (pos + 4 > payload.Length)
            {
                return "Invalid header update record size";
            }

            int size = BinaryPrimitives.ReadUInt16LittleEndian(payload[(pos + 2)..]);
            pos += 4 + size;
            if (pos > payload.Length)
            {
                return "Header update outside record";
            }

            pos = (pos + 3) & ~3;
        }

        return null;
    }

    private readonly record struct RecordEntry(int Offset, int Size, bool Valid);

    /// <summary>The records of a log, enumerable without allocating.</summary>
    public readonly ref struct RecordList
    {
        private readonly TransactionLogFile log;

        internal RecordList(TransactionLogFile log) => this.log = log;

        /// <summary>How many records.</summary>
        public int Count => log.recordCount;

        /// <summary>The record at position <paramref name="i"/> (from 0).</summary>
        public TransactionLogRecord this[int i] => log.At(i);

        /// <summary>The enumerator.</summary>
        public Enumerator GetEnumerator() => new(log);

        /// <summary>A struct enumerator over the records.</summary>
        public ref struct Enumerator
        {
            private readonly TransactionLogFile log;
            private int i;

            internal Enumerator(TransactionLogFile log)
            {
                this.log = log;
                i = -1;
            }

            /// <summary>The current record.</summary>
            public readonly TransactionLogRecord Current => log.At(i);

            /// <summary>Moves to the next record.</summary>
            public bool MoveNext() => ++i < log.recordCount;
        }
    }

    private TransactionLogRecord At(int i)
    {
        if ((uint)i >= (uint)recordCount)
        {
            throw new ArgumentOutOfRangeException(nameof(i));
        }

        RecordEntry e = store[i];
        ReadOnlySpan<byte> data = this.data.Span;
        var raw = (TransactionLogRecordType)BinaryPrimitives.ReadUInt32LittleEndian(data[(e.Offset + 4)..]);
        return new TransactionLogRecord(e.Offset, raw, data.Slice(e.Offset + RecordHeaderSize, e.Size - RecordHeaderSize), e.Valid);
    }

    /// <summary>
    /// Record positions, appended to by a parse and then by the parses that extend it. An entry is never changed once
    /// written and a parse reads only its own first entries, so readers need no lock; appending (and deciding who may
    /// append) happens under the store's lock.
    /// </summary>
    private sealed class RecordStore
    {
        private RecordEntry[] items = new RecordEntry[16];

        /// <summary>Entries written.</summary>
        public int Count { get; private set; }

        public RecordEntry this[int i] => Volatile.Read(ref items)[i];

        public void Add(RecordEntry entry)
        {
            if (Count == items.Length)
            {
                var grown = new RecordEntry[items.Length * 2];
                Array.Copy(items, grown, Count);
                Volatile.Write(ref items, grown); // readers see the copy complete or the old array, both valid
            }

            items[Count] = entry;
            Count++;
        }

        /// <summary>A new store holding the first <paramref name="used"/> entries.</summary>
        public RecordStore CopyOf(int used)
        {
            var copy = new RecordStore { items = new RecordEntry[Math.Max(16, used + (used / 2))], Count = used };
            Array.Copy(Volatile.Read(ref items), copy.items, used);
            return copy;
        }
    }
}
