using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MailStorage.Core.Caching;
using MailStorage.Core.FileSystems;
using MailStorage.Core.Interop;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>One message of a mailbox's current state: UID, flags and keyword names.</summary>
public sealed class MailboxMessage
{
    internal MailboxMessage(uint uid, MailIndexFlags flags, MailboxState owner)
    {
        Uid = uid;
        Flags = flags;
        Owner = owner;
    }

    /// <summary>
    /// The state that may change this message while it replays. A state continued from another shares the messages
    /// it does not change and copies one before changing it, so the earlier state stays as it was.
    /// </summary>
    internal MailboxState Owner { get; }

    /// <summary>The UID.</summary>
    public uint Uid { get; }

    /// <summary>The flags byte (system flags plus index-private bits).</summary>
    public MailIndexFlags Flags { get; internal set; }

    /// <summary>Keyword names, sorted ordinally.</summary>
    public SortedSet<string> Keywords { get; private init; } = new(StringComparer.Ordinal);

    internal MailboxMessage CopyFor(MailboxState owner) =>
        new(Uid, Flags, owner) { Keywords = new SortedSet<string>(Keywords, StringComparer.Ordinal) };
}

/// <summary>
/// A mailbox's current state as Dovecot sees it: the records of <c>dovecot.index</c> (if any) with the transaction
/// log past the index's <c>log_file_head_offset</c> applied in order (mail-index-sync-update.c, simplified to
/// appends, flag and keyword updates, external expunges and base-header updates).
/// </summary>
public sealed partial class MailboxState
{
    private MessageList messages = new();
    private readonly List<IndexProblem> problems = new();
    private readonly byte[] header = new byte[IndexHeaderFields.Size];

    private MailboxState()
    {
    }

    /// <summary>uid_validity after replay.</summary>
    public uint UidValidity => BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(IndexHeaderFields.UidValidity));

    /// <summary>next_uid after replay.</summary>
    public uint NextUid => BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid));

    /// <summary>indexid of the index (or log when there is no index).</summary>
    public uint IndexId { get; private set; }

    /// <summary>The messages, by ascending UID.</summary>
    public IReadOnlyList<MailboxMessage> Messages => messages;

    /// <summary>messages_count after replay.</summary>
    public int MessagesCount => messages.Count;

    /// <summary>Whether a usable dovecot.index was the starting point.</summary>
    public bool FromIndex { get; private set; }

    /// <summary>The log sequence and offset replay ended at.</summary>
    public (uint FileSeq, long Offset) LogPosition { get; private set; }

    /// <summary>Problems of the files read and of the replay.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>The base header of <c>dovecot.index</c> as on disk (before the log is applied), or null without one.</summary>
    public IndexHeader? IndexHeader { get; private set; }

    /// <summary>The extensions of <c>dovecot.index</c> (empty without a usable one).</summary>
    public IReadOnlyList<IndexExtension> IndexExtensions { get; private set; } = [];

    /// <summary>The keyword names in <c>dovecot.index</c>'s keywords extension, by index.</summary>
    public IReadOnlyList<string> IndexKeywords { get; private set; } = [];

    /// <summary>
    /// When a cached <see cref="Load(string, IndexCache, IndexCacheMode)"/> made this state from the previous one by
    /// applying only the log records from this offset on; null when it was replayed from the files.
    /// </summary>
    public long? ContinuedFrom { get; private set; }

    /// <summary>Reads <c>dovecot.index</c>, <c>.log.2</c> and <c>.log</c> from an index folder (any may be missing) and replays.</summary>
    public static MailboxState Load(string indexDirectory)
    {
        MailboxState state = LoadOnce(indexDirectory);
        for (int read = 2; read <= Reads && state.CaughtMidAppend(); read++)
        {
            Thread.Sleep(PauseBefore(read));
            state = LoadOnce(indexDirectory);
        }

        return state;
    }

    private static MailboxState LoadOnce(string indexDirectory)
    {
        string indexPath = Path.Combine(indexDirectory, DovecotFileNames.Index);
        string logPath = Path.Combine(indexDirectory, DovecotFileNames.IndexLog);
        string log2Path = Path.Combine(indexDirectory, DovecotFileNames.IndexLog2);
        IndexFile? index = TryRead(indexPath, IndexFile.Read);
        TransactionLogFile? log = ReadLog(logPath, out FileStamp? logFile);
        TransactionLogFile? log2 = ReadLog(log2Path, out FileStamp? log2File);
        return Replay(index, SameFile(log2File, logFile) ? null : log2, log);
    }

    /// <summary>
    /// As <see cref="Load(string)"/>, reading the three files through <paramref name="cache"/>'s views under
    /// <paramref name="mode"/> and reusing what the previous load of the folder (same cache and mode) parsed: a file
    /// unchanged since is neither read nor parsed again; a log that only grew is read and parsed from its old end; and
    /// when only the newest log grew and the previous state had no problems, only its new records are applied to that
    /// state (which stays as it was: changed messages are copied). The result equals <see cref="Load(string)"/>'s.
    /// With BufferedFlush the folder is listed once for the three files (see <see cref="IndexCacheMode"/>).
    /// </summary>
    public static MailboxState Load(string indexDirectory, IndexCache cache, IndexCacheMode mode)
    {
        ArgumentNullException.ThrowIfNull(indexDirectory);
        ArgumentNullException.ThrowIfNull(cache);
        string dir = Path.GetFullPath(indexDirectory);
        MailboxState state = LoadOnce(dir, cache, mode);
        for (int read = 2; read <= Reads && state.CaughtMidAppend(); read++)
        {
            Thread.Sleep(PauseBefore(read));
            state = LoadOnce(dir, cache, mode);
        }

        return state;
    }

    private static MailboxState LoadOnce(string dir, IndexCache cache, IndexCacheMode mode)
    {
        lock (cache.LoadGate)
        {
            if (mode == IndexCacheMode.BufferedFlush)
            {
                AttributeFlush.Directory(dir, [DovecotFileNames.Index, DovecotFileNames.IndexLog, DovecotFileNames.IndexLog2]);
            }

            var key = (dir, mode);
            var previous = cache.GetState(key) as Checkpoint;
            var index = Reuse(previous?.Index, cache, Path.Combine(dir, DovecotFileNames.Index), mode, (bytes, path, _) => IndexFile.Parse(bytes, path));
            var log = Reuse(previous?.Log, cache, Path.Combine(dir, DovecotFileNames.IndexLog), mode, (bytes, path, old) => old?.Extend(bytes) ?? TransactionLogFile.Parse(bytes, path));

            // A .log.2 comes only from rotation, which renames the .log and starts a new one. While the .log is the same
            // file (same epoch) a .log.2 that was missing still is, and is not looked for: on NFS and FUSE a lookup of a
            // missing name goes to the server every time (0.7 ms of a 0.8 ms load on the GlusterFS test bed).
            bool log2StillMissing = previous is { Log2: null, Log: { } before } && log != null && log.Epoch == before.Epoch;
            var log2 = log2StillMissing ? null : Reuse(previous?.Log2, cache, Path.Combine(dir, DovecotFileNames.IndexLog2), mode, (bytes, path, old) => old?.Extend(bytes) ?? TransactionLogFile.Parse(bytes, path));
            if (log2 != null && log != null && SameFile(cache.Get(Path.Combine(dir, DovecotFileNames.IndexLog2), mode).Identity, cache.Get(Path.Combine(dir, DovecotFileNames.IndexLog), mode).Identity))
            {
                log2 = null;
            }

            MailboxState state;
            // Reuse returns the previous parse for unchanged content and extends only the previous parse, so an extension
            // here is one of previous.Log.
            if (previous != null && ReferenceEquals(index?.File, previous.Index?.File) && ReferenceEquals(log2?.File, previous.Log2?.File) &&
                log != null && previous.Log != null && previous.State.CanContinue(previous.Log.File) &&
                (ReferenceEquals(log.File, previous.Log.File) || log.File.IsExtension))
            {
                state = ReferenceEquals(log.File, previous.Log.File) ? previous.State : previous.State.Continue(previous.Log.File, log.File);
            }
            else
            {
                state = Replay(index?.File, log2?.File, log?.File);
            }

            cache.SetState(key, new Checkpoint(index, log2, log, state));
            return state;
        }
    }

    /// <summary>Replays the logs over the index. <paramref name="index"/> null or unusable: the logs from their start.</summary>
    public static MailboxState Replay(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log)
    {
        var state = new MailboxState();
        state.Run(index, log2, log);
        return state;
    }


    // The file through its view (null when it does not exist), parsed: the old parse when the content is the same
    // (same epoch and length), 'parse' given the old parse to extend when the content only grew (same epoch, longer),
    // 'parse' given null otherwise.
    private static Parsed<T>? Reuse<T>(Parsed<T>? old, IndexCache cache, string path, IndexCacheMode mode, Func<ReadOnlyMemory<byte>, string, T?, T> parse)
        where T : class
    {
        IndexFileView.ViewContent now;
        try
        {
            now = cache.Get(path, mode).Read(flushDirectory: false);
        }
        catch (FileNotFoundException)
        {
            cache.Forget(path, mode);
            return null;
        }

        if (old != null && old.Epoch == now.Epoch && old.Length == now.Bytes.Length)
        {
            return old;
        }

        T? extendable = old != null && old.Epoch == now.Epoch && old.Length < now.Bytes.Length ? old.File : null;
        return new Parsed<T>(now.Epoch, now.Bytes.Length, parse(now.Bytes, path, extendable));
    }

    /// <summary>
    /// Whether the records <paramref name="log"/> gains later can simply be applied to this state: replay ended at the
    /// end of <paramref name="log"/> (it is the newest log and was applied) and found nothing wrong, so no problem of
    /// this state can depend on what comes after.
    /// </summary>
    private bool CanContinue(TransactionLogFile log) =>
        problems.Count == 0 && LogPosition == (log.Header.FileSeq, log.SyncOffset) && log.IsUsable;

    /// <summary>A new state: this one with the records <paramref name="grown"/> has after those of <paramref name="log"/> applied.</summary>
    private MailboxState Continue(TransactionLogFile log, TransactionLogFile grown)
    {
        var next = new MailboxState
        {
            IndexId = IndexId,
            FromIndex = FromIndex,
            IndexHeader = IndexHeader,
            IndexExtensions = IndexExtensions,
            IndexKeywords = IndexKeywords,
            ContinuedFrom = log.SyncOffset,
        };
        header.CopyTo(next.header, 0);
        next.messages = messages.Share();
        next.problems.AddRange(grown.Problems); // this state had none, so the log had none before its old end
        var records = grown.Records;
        for (int i = log.RecordCount; i < records.Count; i++)
        {
            TransactionLogRecord record = records[i];
            if (record.IsValid)
            {
                next.Apply(grown, record);
            }
        }

        next.LogPosition = (grown.Header.FileSeq, grown.SyncOffset);
        next.FixNextUid();
        return next;
    }

    private static T? TryRead<T>(string path, Func<string, T> read)
        where T : class
    {
        try
        {
            return read(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private void Run(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log)
    {
        List<TransactionLogFile> logs = TransactionLogFile.InReplayOrder(log2, log, problems);

        uint startSeq = 0;
        long startOffset = 0;
        if (index != null)
        {
            problems.AddRange(index.Problems);
            IndexHeader = index.Header;
            IndexExtensions = index.Extensions;
            IndexKeywords = index.Keywords;
        }

        if (index != null && index.IsUsable)
        {
            FromIndex = true;
            IndexId = index.Header.IndexId;
            startSeq = index.Header.LogFileSeq;
            startOffset = index.Header.LogFileHeadOffset;
            LoadIndex(index);
            foreach (TransactionLogFile file in logs)
            {
                if (file.Header.IndexId != 0 && file.Header.IndexId != index.Header.IndexId)
                {
                    problems.Add(new IndexProblem(file.File, TransactionLogHeaderFields.IndexId, "LogIndexIdChanged", "indexid changed: " + N(index.Header.IndexId) + " -> " + N(file.Header.IndexId)));
                }
            }

            logs.RemoveAll(l => l.Header.FileSeq < startSeq);
            if (logs.Count > 0 && logs[0].Header.FileSeq != startSeq)
            {
                problems.Add(new IndexProblem(logs[0].File, TransactionLogHeaderFields.FileSeq, "LogSequenceMissing", "Missing middle file seq=" + N(startSeq) + " (index's log_file_seq; oldest log has " + N(logs[0].Header.FileSeq) + ")"));
                startOffset = 0;
            }
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), 1);
            if (logs.Count == 2 && logs[1].Header.PrevFileSeq != logs[0].Header.FileSeq)
            {
                logs.RemoveAt(0);
            }

            if (logs.Count > 0)
            {
                IndexId = logs[^1].Header.IndexId;
                if (logs[0].Header.PrevFileSeq != 0)
                {
                    problems.Add(new IndexProblem(logs[0].File, TransactionLogHeaderFields.PrevFileSeq, "LogHistoryMissing", "No dovecot.index and the oldest log continues file seq " + N(logs[0].Header.PrevFileSeq)));
                }
            }
        }

        foreach (TransactionLogFile file in logs)
        {
            long from = file.Header.FileSeq == startSeq ? startOffset : 0;
            if (from > file.SyncOffset)
            {
                problems.Add(new IndexProblem(file.File, from, "LogOffsetPastEnd", "log_file_head_offset " + N(from) + " is past the end of the log (" + N(file.SyncOffset) + ")"));
            }

            foreach (TransactionLogRecord record in file.Records)
            {
                if (record.Offset >= from && record.IsValid)
                {
                    Apply(file, record);
                }
            }

            LogPosition = (file.Header.FileSeq, file.SyncOffset);
        }

        FixNextUid();
    }

    private void FixNextUid()
    {
        uint last = messages.Count > 0 ? messages[^1].Uid : 0;
        if (last >= NextUid)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), last + 1);
        }
    }

    private static bool HasKeyword(MailboxMessage message, string name) => message.Keywords.Contains(name);

    /// <summary>The message at <paramref name="position"/>, copied first if an earlier state shares it.</summary>
    private MailboxMessage Changeable(int position)
    {
        MailboxMessage message = messages[position];
        if (!ReferenceEquals(message.Owner, this))
        {
            message = message.CopyFor(this);
            messages[position] = message;
        }

        return message;
    }

    private void LoadIndex(IndexFile index)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.UidValidity), index.Header.UidValidity);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), index.Header.NextUid);
        uint previous = 0;
        foreach (IndexRecord record in index.Records)
        {
            if (record.Uid <= previous)
            {
                continue;
            }

            previous = record.Uid;
            var message = new MailboxMessage(record.Uid, record.Flags, this);
            foreach (string keyword in index.KeywordsOf(record))
            {
                message.Keywords.Add(keyword);
            }

            messages.Add(message);
        }
    }

    private void Apply(TransactionLogFile file, TransactionLogRecord record)
    {
        ReadOnlySpan<byte> p = record.Payload;
        switch (record.Type)
        {
            case TransactionLogRecordType.Append:
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
                    uint last = messages.Count > 0 ? messages[^1].Uid : 0;
                    // Dovecot's sync_append refuses a UID below next_uid, even one above the last message's: next_uid
                    // may have been raised (mailbox update --min-next-uid), and such an append would reuse a UID.
                    if (uid < NextUid || uid <= last || uid == 0)
                    {
                        problems.Add(new IndexProblem(file.File, record.Offset, "LogAppendUidNotAscending", "Append with UID " + N(uid) + ", but next_uid = " + N(Math.Max(NextUid, last + 1))));
                        continue;
                    }

                    messages.Add(new MailboxMessage(uid, (MailIndexFlags)p[i + 4], this));
                    if (uid >= NextUid)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), uid + 1);
                    }
                }

                break;
            case TransactionLogRecordType.FlagUpdate:
                for (int i = 0; i + 12 <= p.Length; i += 12)
                {
                    var add = (MailIndexFlags)p[i + 8];
                    var remove = (MailIndexFlags)p[i + 9];
                    (int first, int end) = Range(p[i..]);
                    for (int k = first; k < end; k++)
                    {
                        // Only a real change copies a message shared with an earlier state.
                        MailIndexFlags flags = (messages[k].Flags & ~remove) | add;
                        if (flags != messages[k].Flags)
                        {
                            Changeable(k).Flags = flags;
                        }
                    }
                }

                break;
            case TransactionLogRecordType.KeywordUpdate:
            {
                byte modify = p[0];
                int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(p[2..]);
                string name = System.Text.Encoding.UTF8.GetString(p.Slice(4, nameSize));
                for (int i = (4 + nameSize + 3) & ~3; i + 8 <= p.Length; i += 8)
                {
                    (int first, int end) = Range(p[i..]);
                    for (int k = first; k < end; k++)
                    {
                        if (modify == 0)
                        {
                            if (!HasKeyword(messages[k], name))
                            {
                                Changeable(k).Keywords.Add(name);
                            }
                        }
                        else if (HasKeyword(messages[k], name))
                        {
                            Changeable(k).Keywords.Remove(name);
                        }
                    }
                }

                break;
            }

            case TransactionLogRecordType.KeywordReset:
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    (int first, int end) = Range(p[i..]);
                    for (int k = first; k < end; k++)
                    {
                        if (messages[k].Keywords.Count > 0)
                        {
                            Changeable(k).Keywords.Clear();
                        }
                    }
                }

                break;
            case TransactionLogRecordType.Expunge when record.IsExternal:
                for (int i = 0; i + 8 <= p.Length; i += 8)
                {
                    (int first, int end) = Find(BinaryPrimitives.ReadUInt32LittleEndian(p[i..]), BinaryPrimitives.ReadUInt32LittleEndian(p[(i + 4)..]));
                    messages.RemoveRange(first, end - first);
                }

                break;
            case TransactionLogRecordType.ExpungeGuid when record.IsExternal:
                for (int i = 0; i + 20 <= p.Length; i += 20)
                {
                    uint uid = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
                    (int first, int end) = Find(uid, uid);
                    messages.RemoveRange(first, end - first);
                }

                break;
            case TransactionLogRecordType.HeaderUpdate:
                ApplyHeaderUpdate(p);
                break;
            default:
                break;
        }
    }

    private void ApplyHeaderUpdate(ReadOnlySpan<byte> p)
    {
        uint oldNextUid = NextUid;
        int pos = 0;
        while (pos + 4 <= p.Length)
        {
            int offset = BinaryPrimitives.ReadUInt16LittleEndian(p[pos..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(p[(pos + 2)..]);
            if (pos + 4 + size > p.Length)
            {
                break;
            }

            // Only the base header; counters and log positions are recomputed, not patched.
            for (int k = 0; k < size; k++)
            {
                int at = offset + k;
                if (at >= IndexHeaderFields.UidValidity && at < IndexHeaderFields.NextUid + 4)
                {
                    header[at] = p[pos + 4 + k];
                }
            }

            pos = (pos + 4 + size + 3) & ~3;
        }

        // Dovecot blocks a next_uid that would shrink (races with dsync).
        if (NextUid < oldNextUid)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(IndexHeaderFields.NextUid), oldNextUid);
        }
    }

    // The positions [First, End) of the messages in a {uid1, uid2} range.
    private (int First, int End) Range(ReadOnlySpan<byte> range) =>
        Find(BinaryPrimitives.ReadUInt32LittleEndian(range), BinaryPrimitives.ReadUInt32LittleEndian(range[4..]));

    private (int First, int End) Find(uint uid1, uint uid2)
    {
        int first = LowerBound(uid1);
        int end = uid2 == uint.MaxValue ? messages.Count : LowerBound(uid2 + 1);
        return (first, Math.Max(first, end));
    }

    private int LowerBound(uint uid)
    {
        int lo = 0;
        int hi = messages.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (messages[mid].Uid < uid)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>A file's parse and the view content (epoch, length) it was made from.</summary>
    private sealed record Parsed<T>(long Epoch, int Length, T File)
        where T : class;

    /// <summary>What the last cached load of a folder read and made, for the next one to build on.</summary>
    private sealed record Checkpoint(Parsed<IndexFile>? Index, Parsed<TransactionLogFile>? Log2, Parsed<TransactionLogFile>? Log, MailboxState State);
}
