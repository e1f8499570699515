using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Win32.SafeHandles;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;
/// <summary>
/// A parsed <c>dovecot.index.log</c> or <c>.log.2</c>: header and every complete record, with the problems Dovecot
/// reports while reading and validating it (mail-transaction-log-file.c, mail-transaction-log-view.c). Never throws on
/// malformed content.
/// </summary>
public sealed partial class TransactionLogFile
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
}
