using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Caching;
using MailStorage.Core.FileSystems;
using MailStorage.Core.Interop;
using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Index;

/// <summary>
/// Reading an index's three files while Dovecot writes them, from the files or through an <see cref="IndexCache"/>:
/// a log caught mid-append is read again, a .log.2 that is the very file read as .log (a rotation half done) is not
/// taken for a second log with the same sequence, and a cached load applies only what a log gained since the last one.
/// </summary>
public sealed partial class IndexMap
{
    /// <summary>
    /// Reads of the files while the newest log ends in a transaction still being written, waiting 4, 8, 16 and 32 ms
    /// between them: a writer descheduled mid-append on a busy machine needs more than an immediate second look.
    /// </summary>
    private const int Reads = 5;

    /// <summary>
    /// When a cached load made this map from the previous one by applying only the log records from this offset on;
    /// null when it was replayed from the files.
    /// </summary>
    public long? ContinuedFrom { get; private set; }

    /// <summary>The mailbox view of this map, made once (see <see cref="MailboxState.Of"/>).</summary>
    internal MailboxState? MailboxView { get; set; }

    /// <summary>
    /// Reads <c>&lt;prefix&gt;</c>, <c>&lt;prefix&gt;.log.2</c> and <c>&lt;prefix&gt;.log</c> from
    /// <paramref name="directory"/> (any may be missing) and replays. <paramref name="prefix"/> is
    /// <c>dovecot.index</c> for a mailbox, <c>dovecot.list.index</c> for the mailbox list.
    /// </summary>
    public static IndexMap Load(string directory, string prefix = DovecotFileNames.Index)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(prefix);
        string indexPath = Path.Combine(directory, prefix);
        return ReadUntilWhole(() =>
        {
            IndexFile? index = File.Exists(indexPath) ? TryRead(indexPath) : null;
            TransactionLogFile? log = ReadLog(indexPath + DovecotFileNames.LogSuffix, out FileStamp? logFile);
            TransactionLogFile? log2 = ReadLog(indexPath + DovecotFileNames.Log2Suffix, out FileStamp? log2File);
            return Replay(index, SameFile(log2File, logFile) ? null : log2, log);
        });
    }

    /// <summary>
    /// As <see cref="Load(string, string)"/>, reading the three files through <paramref name="cache"/>'s views under
    /// <paramref name="mode"/> and reusing what the previous load of the same files (same cache and mode) parsed: a
    /// file unchanged since is neither read nor parsed again; a log that only grew is read and parsed from its old end;
    /// and when only the newest log grew and the previous map had no problems, only its new records are applied to
    /// that map (which stays as it was: changed records are copied). The result equals <see cref="Load(string, string)"/>'s.
    /// With BufferedFlush the folder is listed once for the three files (see <see cref="IndexCacheMode"/>).
    /// </summary>
    public static IndexMap Load(string directory, IndexCache cache, IndexCacheMode mode, string prefix = DovecotFileNames.Index)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(prefix);
        string indexPath = Path.Combine(Path.GetFullPath(directory), prefix);
        return ReadUntilWhole(() => LoadOnce(indexPath, cache, mode));
    }

    /// <summary>Replays the logs over the index. <paramref name="index"/> null or unusable: the logs from their start.</summary>
    public static IndexMap Replay(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log)
    {
        var map = new IndexMap();
        map.Run(index, log2, log);
        return map;
    }

    /// <summary>Loads, and loads again after a pause while the newest log was caught mid-append.</summary>
    private static IndexMap ReadUntilWhole(Func<IndexMap> load)
    {
        IndexMap map = load();
        for (int read = 2; read <= Reads && map.CaughtMidAppend(); read++)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(1 << read));
            map = load();
        }

        return map;
    }

    /// <summary>
    /// Whether the newest log ended in a record or transaction not yet whole: what a reader sees while Dovecot appends
    /// (a write across a page boundary becomes visible a page at a time). Dovecot's own reader then stops at the last
    /// whole transaction and calls it garbage only while it holds the log lock; a load reads again instead, and reports
    /// it only if it stays. A record whose later page is not visible yet reads as garbage at the end (seen once in
    /// 867,792 loads under live traffic, at offset 4092), so that counts too.
    /// </summary>
    private bool CaughtMidAppend() =>
        problems.Any(p => p.Code is "LogTransactionIncomplete" or "LogRecordTruncated" or "LogGarbageAtEof" && p.File.EndsWith(DovecotFileNames.LogSuffix, StringComparison.Ordinal));

    private static IndexMap LoadOnce(string indexPath, IndexCache cache, IndexCacheMode mode)
    {
        string logPath = indexPath + DovecotFileNames.LogSuffix;
        string log2Path = indexPath + DovecotFileNames.Log2Suffix;
        lock (cache.LoadGate)
        {
            if (mode == IndexCacheMode.BufferedFlush)
            {
                AttributeFlush.Directory(Path.GetDirectoryName(indexPath)!, [Path.GetFileName(indexPath), Path.GetFileName(logPath), Path.GetFileName(log2Path)]);
            }

            var key = (indexPath, mode);
            var previous = cache.GetState(key) as Checkpoint;
            var index = Reuse(previous?.Index, cache, indexPath, mode, (bytes, path, _) => IndexFile.Parse(bytes, path));
            var log = Reuse(previous?.Log, cache, logPath, mode, (bytes, path, old) => old?.Extend(bytes) ?? TransactionLogFile.Parse(bytes, path));

            // A .log.2 comes only from rotation, which renames the .log and starts a new one. While the .log is the same
            // file (same epoch) a .log.2 that was missing still is, and is not looked for: on NFS and FUSE a lookup of a
            // missing name goes to the server every time (0.7 ms of a 0.8 ms load on the GlusterFS test bed).
            bool log2StillMissing = previous is { Log2: null, Log: { } before } && log != null && log.Epoch == before.Epoch;
            var log2 = log2StillMissing ? null : Reuse(previous?.Log2, cache, log2Path, mode, (bytes, path, old) => old?.Extend(bytes) ?? TransactionLogFile.Parse(bytes, path));
            if (log2 != null && log != null && SameFile(cache.Get(log2Path, mode).Identity, cache.Get(logPath, mode).Identity))
            {
                log2 = null;
            }

            IndexMap map;
            // Reuse returns the previous parse for unchanged content and extends only the previous parse, so an extension
            // here is one of previous.Log.
            if (previous != null && ReferenceEquals(index?.File, previous.Index?.File) && ReferenceEquals(log2?.File, previous.Log2?.File) &&
                log != null && previous.Log != null && previous.Map.CanContinue(previous.Log.File) &&
                (ReferenceEquals(log.File, previous.Log.File) || log.File.IsExtension))
            {
                map = ReferenceEquals(log.File, previous.Log.File) ? previous.Map : previous.Map.Continue(previous.Log.File, log.File);
            }
            else
            {
                map = Replay(index?.File, log2?.File, log?.File);
            }

            cache.SetState(key, new Checkpoint(index, log2, log, map));
            return map;
        }
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
    /// Whether the records <paramref name="log"/> gains later can simply be applied to this map: replay ended at the
    /// end of <paramref name="log"/> (it is the newest log and was applied) and found nothing wrong, so no problem of
    /// this map can depend on what comes after.
    /// </summary>
    private bool CanContinue(TransactionLogFile log) =>
        problems.Count == 0 && LogPosition == (log.Header.FileSeq, log.SyncOffset) && log.IsUsable;

    /// <summary>
    /// A new map: this one with the records <paramref name="grown"/> has after those of <paramref name="log"/> applied.
    /// It shares the records it does not change, and has its own copy of everything else a record can change.
    /// </summary>
    private IndexMap Continue(TransactionLogFile log, TransactionLogFile grown)
    {
        var next = new IndexMap
        {
            records = records.Share(),
            extensions = extensions.Select(e => e.Clone()).ToList(),
            keywords = new List<string>(keywords),
            header = (byte[])header.Clone(),
            baseHeaderSize = baseHeaderSize,
            IndexId = IndexId,
            FromIndex = FromIndex,
            IndexFileName = IndexFileName,
            IndexFileHeader = IndexFileHeader,
            IndexFileExtensions = IndexFileExtensions,
            IndexFileKeywords = IndexFileKeywords,
            LogPosition = LogPosition,
            ContinuedFrom = log.SyncOffset,
            logModseq = logModseq,
            modseqTracking = modseqTracking,
            currentIgnore = currentIgnore,
            currentBroken = currentBroken,
            currentRecordSize = currentRecordSize,
        };
        next.current = current == null ? null : next.extensions[current.Id];
        next.problems.AddRange(grown.Problems); // this map had none, so the log had none before its old end
        next.SyncRecords(grown, log.RecordCount, 0);
        next.Finish();
        return next;
    }

    private static IndexFile? TryRead(string path)
    {
        try
        {
            return IndexFile.Read(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether .log.2 was read as the very file read as .log: Dovecot rotates by link(.log, .log.2) and then renames
    /// the new log over .log, so for a moment both names are one file. Dovecot's reader then ignores .log.2, comparing
    /// inodes (mail-transaction-log-file.c); so does this one, rather than calling it a duplicate sequence.
    /// </summary>
    private static bool SameFile(FileStamp? log2, FileStamp? log) => log2 is { } a && log is { } b && a.SameFile(b);

    private static bool SameFile((ulong Device, ulong Inode, long Size) log2, (ulong Device, ulong Inode, long Size) log) =>
        log2.Device == log.Device && log2.Inode == log.Inode;

    /// <summary>A log and the file it was read from (device and inode), or null when there is none.</summary>
    private static TransactionLogFile? ReadLog(string path, out FileStamp? stamp)
    {
        stamp = null;

        // Most indexes lack a .log.2; a failed open costs an exception, a stat does not.
        if (!File.Exists(path))
        {
            return null;
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        using (handle)
        {
            stamp = Libc.NoFollow.Stamp(handle, path);
            return TransactionLogFile.Parse(IndexFile.ReadAll(handle), path);
        }
    }

    /// <summary>A file's parse and the view content (epoch, length) it was made from.</summary>
    private sealed record Parsed<T>(long Epoch, int Length, T File)
        where T : class;

    /// <summary>What the last cached load of an index read and made, for the next one to build on.</summary>
    private sealed record Checkpoint(Parsed<IndexFile>? Index, Parsed<TransactionLogFile>? Log2, Parsed<TransactionLogFile>? Log, IndexMap Map);
}
