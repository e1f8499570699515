using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using Microsoft.Win32.SafeHandles;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Repair;

/// <summary>
/// The repair primitives for one mailbox, run under its lock: cut the transaction log at its last whole record, fix
/// dovecot.index's header fields as Dovecot's fsck does, move an unusable dovecot.index or dovecot.index.cache to the
/// quarantine so that Dovecot rebuilds it, and rebuild dovecot-uidlist keeping every UID. Every file is reached through
/// the mailbox's directories opened without following links; a file with other hard links is refused and left alone
/// (<see cref="RepairRefusal.HardLinked"/>); every original is copied to the
/// <see cref="Quarantine"/> (complete and fsynced) before it is touched; each action returns a
/// <see cref="RepairResult"/>. The caller takes the <see cref="MailboxLock"/> (with the uidlist dotlock for
/// <see cref="RebuildUidList"/>) and keeps it until the session is disposed.
/// </summary>
public sealed class MailIndexRepair : IDisposable
{
    /// <summary>Largest index, log or uidlist read into memory for a repair.</summary>
    public const long MaxFileSize = 1L << 30;

    private readonly MailboxLock heldLock;
    private readonly MailboxDirectory indexDirectory;
    private readonly MailboxDirectory controlDirectory;
    private readonly MailboxDirectory mailDirectory;
    private readonly List<string> removedTemporaries = new();
    private readonly Func<DateTimeOffset> clock;

    private MailIndexRepair(MailboxLocation mailbox, MailboxLock heldLock, Quarantine quarantine, MailboxDirectory index, MailboxDirectory control, MailboxDirectory mail, Func<DateTimeOffset> clock)
    {
        Mailbox = mailbox;
        this.heldLock = heldLock;
        Quarantine = quarantine;
        indexDirectory = index;
        controlDirectory = control;
        mailDirectory = mail;
        this.clock = clock;
    }

    /// <summary>The mailbox repaired.</summary>
    public MailboxLocation Mailbox { get; }

    /// <summary>Where originals go.</summary>
    public Quarantine Quarantine { get; }

    /// <summary>Temporary files of killed repairs removed when the session began.</summary>
    public IReadOnlyList<string> RemovedTemporaries => removedTemporaries;

    /// <summary>
    /// The lock a repair of <paramref name="mailbox"/> needs, from the options the configuration gives
    /// (<see cref="MailboxLockOptions.FromConfig"/>: lock_method, dotlock_use_excl, the wait): for Maildir also the
    /// <c>dovecot-uidlist.lock</c> dotlock, in the control directory.
    /// </summary>
    public static MailboxLockOptions LockOptionsFor(MailboxLocation mailbox, MailboxLockOptions configured)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(configured);
        bool maildir = string.Equals(mailbox.Format, "maildir", StringComparison.OrdinalIgnoreCase);
        return new MailboxLockOptions
        {
            Method = configured.Method,
            Mode = LockMode.Exclusive,
            DotlockUseExcl = configured.DotlockUseExcl,
            Timeout = configured.Timeout,
            Hostname = configured.Hostname,
            IncludeUidList = maildir,
            UidListDirectory = maildir && !SameDirectory(mailbox.ControlDirectory, mailbox.IndexDirectory) ? mailbox.ControlDirectory : null,
        };
    }

    /// <summary>
    /// Starts repairing <paramref name="mailbox"/> under <paramref name="heldLock"/>, which must be held on its index
    /// directory. Opens the index, control and mail directories (none may be a symbolic link) and removes temporary
    /// files that killed repairs left.
    /// </summary>
    public static MailIndexRepair Begin(MailboxLocation mailbox, MailboxLock heldLock, Quarantine quarantine, Func<DateTimeOffset>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(heldLock);
        ArgumentNullException.ThrowIfNull(quarantine);
        if (!string.Equals(Path.GetFullPath(heldLock.MailboxPath).TrimEnd('/'), Path.GetFullPath(mailbox.IndexDirectory).TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new ArgumentException("The lock is on " + heldLock.MailboxPath + ", not on the mailbox's index directory " + mailbox.IndexDirectory + ".", nameof(heldLock));
        }

        var opened = new List<MailboxDirectory>();
        try
        {
            MailboxDirectory index = Track(opened, MailboxDirectory.Open(mailbox.IndexDirectory));
            MailboxDirectory control = SameDirectory(mailbox.ControlDirectory, mailbox.IndexDirectory) ? index : Track(opened, MailboxDirectory.Open(mailbox.ControlDirectory));
            MailboxDirectory mail = SameDirectory(mailbox.MailDirectory, mailbox.IndexDirectory) ? index
                : SameDirectory(mailbox.MailDirectory, mailbox.ControlDirectory) ? control
                : Track(opened, MailboxDirectory.Open(mailbox.MailDirectory));
            quarantine.BindMailbox(mailbox);
            var repair = new MailIndexRepair(mailbox, heldLock, quarantine, index, control, mail, clock ?? (() => DateTimeOffset.UtcNow));
            repair.EnsureLocked(uidList: false);
            foreach (MailboxDirectory dir in opened)
            {
                repair.removedTemporaries.AddRange(SafeFileWriter.RemoveStaleTemporaries(dir).Select(dir.PathOf));
            }

            return repair;
        }
        catch
        {
            foreach (MailboxDirectory dir in opened)
            {
                dir.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Cuts <paramref name="fileName"/> (<see cref="DovecotFileNames.IndexLog"/> or <see cref="DovecotFileNames.IndexLog2"/>) at the end of its last whole
    /// transaction: a record cut short, garbage after the last record, or a transaction with an invalid record goes
    /// (to the quarantine). A log whose header Dovecot cannot use is refused (Dovecot replaces such a log itself).
    /// Run <see cref="FixIndexHeader"/> after it: the index's log position may point past the cut.
    /// </summary>
    public RepairResult CutTransactionLog(string fileName = DovecotFileNames.IndexLog)
    {
        if (fileName is not DovecotFileNames.IndexLog and not DovecotFileNames.IndexLog2)
        {
            throw new ArgumentException("Only " + DovecotFileNames.IndexLog + " and " + DovecotFileNames.IndexLog2 + " are transaction logs.", nameof(fileName));
        }

        EnsureLocked(uidList: false);
        string path = indexDirectory.PathOf(fileName);
        byte[]? data = TryReadAll(indexDirectory, fileName, out FileStatus? status);
        if (data == null)
        {
            return Nothing(path, "missing");
        }

        EnsureChangeable(status!, path);
        TransactionLogFile log = TransactionLogFile.Parse(data, path);
        if (!log.IsUsable)
        {
            throw new RepairRefusedException(RepairRefusal.Unrepairable, path, path + ": the log header is unusable (" + string.Join("; ", log.Problems.Select(p => p.Message)) + "); cutting records cannot help.");
        }

        long cut = CutOffset(log);
        if (cut >= data.Length)
        {
            return Nothing(path, N(data.Length) + " bytes, whole records only");
        }

        string problems = string.Join("; ", log.Problems.Select(p => p.Message));
        QuarantinedFile copy = Quarantine.Add(indexDirectory, fileName, "TruncateLog", "cut at the last whole record, offset " + N(cut) + ": " + problems);
        EnsureSame(copy, status!);
        EnsureLocked(uidList: false);
        SafeFileWriter.Truncate(indexDirectory, fileName, cut, copy);
        return new RepairResult(
            Mailbox.IndexDirectory, path, RepairAction.TruncateLog,
            N(data.Length) + " bytes" + (problems.Length > 0 ? " (" + problems + ")" : string.Empty),
            N(cut) + " bytes",
            copy.Copy,
            new[] { "size " + N(data.Length) + " -> " + N(cut) });
    }

    /// <summary>
    /// Recomputes dovecot.index's header the way Dovecot's fsck does (UIDVALIDITY, log position, next_uid, message,
    /// seen and deleted counts, lowwaters, first_recent_uid; records out of UID order are sorted, records with UID 0
    /// dropped) and replaces the file. Refused for an index Dovecot cannot use at all, and for one cut inside its
    /// records while the uidlist knows the UIDs that were cut off: quarantine those with <see cref="QuarantineIndexFile"/>.
    /// </summary>
    public RepairResult FixIndexHeader()
    {
        EnsureLocked(uidList: false);
        string path = indexDirectory.PathOf(DovecotFileNames.Index);
        byte[]? data = TryReadAll(indexDirectory, DovecotFileNames.Index, out FileStatus? status);
        if (data == null)
        {
            return Nothing(path, "missing");
        }

        EnsureChangeable(status!, path);
        IndexFile index = IndexFile.Parse(data, path);
        if (!index.IsUsable)
        {
            throw new RepairRefusedException(RepairRefusal.Unrepairable, path, path + ": Dovecot cannot use this index (" + string.Join("; ", index.Problems.Select(p => p.Message)) + "); quarantine it so that Dovecot rebuilds it from the log and the mail.");
        }

        LogHead? head = null;
        byte[]? logData = TryReadOther(indexDirectory, DovecotFileNames.IndexLog);
        if (logData != null)
        {
            TransactionLogFile log = TransactionLogFile.Parse(logData, indexDirectory.PathOf(DovecotFileNames.IndexLog));
            if (log.IsUsable && log.Header.IndexId == index.Header.IndexId)
            {
                head = new LogHead(log.Header.FileSeq, log.Header.HeaderSize, CutOffset(log));
            }
        }

        UidList? uidList = IsMaildir ? ReadUidList() : null;
        var backendUids = uidList?.Records.Select(r => r.Uid).ToList();
        uint? uidValidityHint = uidList is { UidValidity: > 0 } ? uidList.UidValidity : null;
        var outcome = IndexHeaderFix.Fix(data, index, head, uidValidityHint, backendUids, (uint)clock().ToUnixTimeSeconds());
        if (outcome.LostUids.Count > 0)
        {
            throw new RepairRefusedException(RepairRefusal.Unrepairable, path, path + " holds " + N(index.RecordCount) + " of its " + N(index.Header.MessagesCount) + " records; dovecot-uidlist has UIDs past them (" + string.Join(",", outcome.LostUids.Take(10)) + (outcome.LostUids.Count > 10 ? ",..." : string.Empty) + "). Fixing the count would make Dovecot give those messages new UIDs: quarantine the index instead.");
        }

        if (outcome.Content == null)
        {
            return Nothing(path, N(data.Length) + " bytes, header consistent");
        }

        QuarantinedFile copy = Quarantine.Add(indexDirectory, DovecotFileNames.Index, "FixIndexHeader", string.Join("; ", outcome.Changes));
        EnsureSame(copy, status!);
        EnsureLocked(uidList: false);
        SafeFileWriter.Replace(indexDirectory, DovecotFileNames.Index, outcome.Content, copy);
        return new RepairResult(
            Mailbox.IndexDirectory, path, RepairAction.FixIndexHeader,
            N(data.Length) + " bytes, " + N(index.Problems.Count) + " problem(s)",
            N(outcome.Content.Length) + " bytes",
            copy.Copy,
            outcome.Changes);
    }

    /// <summary>
    /// Moves <paramref name="fileName"/> (<see cref="DovecotFileNames.Index"/> or <see cref="DovecotFileNames.IndexCache"/>) to the quarantine, so that
    /// Dovecot rebuilds the index from the log and the Maildir (UIDs from dovecot-uidlist, flags from file names) or
    /// starts a new cache. Refused for sdbox and mdbox, whose indexes hold what no other file has.
    /// </summary>
    public RepairResult QuarantineIndexFile(string fileName)
    {
        if (fileName is not DovecotFileNames.Index and not DovecotFileNames.IndexCache)
        {
            throw new ArgumentException("Only " + DovecotFileNames.Index + " and " + DovecotFileNames.IndexCache + " can be moved away for Dovecot to rebuild.", nameof(fileName));
        }

        string path = indexDirectory.PathOf(fileName);
        if (DboxEvidence(Mailbox.Format, mailDirectory, indexDirectory) is string dbox)
        {
            throw DboxRefusal(path, dbox);
        }

        EnsureLocked(uidList: false);
        FileStatus? status = indexDirectory.Stat(fileName);
        if (status == null)
        {
            return Nothing(path, "missing");
        }

        EnsureChangeable(status, path);
        QuarantinedFile copy = Quarantine.Add(indexDirectory, fileName, "QuarantineFile", "moved away for Dovecot to rebuild");
        EnsureLocked(uidList: false);
        SafeFileWriter.Remove(indexDirectory, fileName, copy);
        return new RepairResult(
            Mailbox.IndexDirectory, path, RepairAction.QuarantineFile,
            N(copy.Status.Size) + " bytes", "removed (Dovecot rebuilds it)", copy.Copy,
            new[] { fileName + " -> " + copy.Copy });
    }

    /// <summary>
    /// Rebuilds dovecot-uidlist keeping every message's UID (see <see cref="UidListRebuild"/>): the lines that parse,
    /// in UID order, next_uid above every UID and the index's, the UIDVALIDITY of the header (or of dovecot.index), new
    /// UIDs only for files of cur/ and new/ no line names. Needs the uidlist dotlock in the session's lock. A sound
    /// uidlist is left alone.
    /// </summary>
    public RepairResult RebuildUidList()
    {
        if (!IsMaildir)
        {
            throw new InvalidOperationException("dovecot-uidlist belongs to Maildir; this mailbox is " + Mailbox.Format + ".");
        }

        EnsureLocked(uidList: true);
        string path = controlDirectory.PathOf(DovecotFileNames.UidList);
        byte[]? data = TryReadAll(controlDirectory, DovecotFileNames.UidList, out FileStatus? status);
        if (status != null)
        {
            EnsureChangeable(status, path);
        }

        MailboxState state = ReadIndexState();
        var files = new List<string>();
        foreach (string sub in new[] { "cur", "new" })
        {
            if (mailDirectory.Stat(sub) is { IsDirectory: true })
            {
                using MailboxDirectory dir = mailDirectory.OpenDirectory(sub);
                files.AddRange(dir.List());
            }
        }

        var input = new UidListRebuild.Input(data, state.UidValidity, state.NextUid, state.Messages.Select(m => m.Uid).ToHashSet(), files, IndexVirtualSizes());
        UidListRebuild.Outcome outcome = UidListRebuild.Rebuild(input, path);
        if (!outcome.Changed)
        {
            return Nothing(path, outcome.Before);
        }

        EnsureLocked(uidList: true);
        if (data == null)
        {
            // No original: the new file gets the owner of the directory and its mode without execute bits, as Dovecot's.
            FileStatus dir = controlDirectory.Status;
            SafeFileWriter.Create(controlDirectory, DovecotFileNames.UidList, outcome.Content, dir.Uid, dir.Gid, dir.Permissions & 0x1B6);
            return new RepairResult(Mailbox.IndexDirectory, path, RepairAction.RebuildUidList, outcome.Before, outcome.After, null, outcome.Changes);
        }

        QuarantinedFile copy = Quarantine.Add(controlDirectory, DovecotFileNames.UidList, "RebuildUidList", string.Join("; ", outcome.Changes.Take(20)) + (outcome.Changes.Count > 20 ? "; ..." : string.Empty));
        EnsureSame(copy, status!);
        EnsureLocked(uidList: true);
        SafeFileWriter.Replace(controlDirectory, DovecotFileNames.UidList, outcome.Content, copy);
        return new RepairResult(Mailbox.IndexDirectory, path, RepairAction.RebuildUidList, outcome.Before, outcome.After, copy.Copy, outcome.Changes);
    }

    /// <summary>Closes the directories (the lock and the quarantine belong to the caller).</summary>
    public void Dispose()
    {
        foreach (MailboxDirectory dir in new[] { mailDirectory, controlDirectory, indexDirectory }.Distinct())
        {
            dir.Dispose();
        }
    }

    /// <summary>
    /// Where a log should end: after its last whole record, and before the transaction of its first invalid record
    /// (Dovecot marks a log with one corrupted and starts a new one).
    /// </summary>
    internal static long CutOffset(TransactionLogFile log)
    {
        long cut = log.SyncOffset;
        long transactionStart = -1, transactionEnd = -1;
        foreach (TransactionLogRecord record in log.Records)
        {
            if (record.Type == TransactionLogRecordType.Boundary && record.Payload.Length >= 4)
            {
                transactionStart = record.Offset;
                transactionEnd = record.Offset + System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record.Payload);
            }

            if (!record.IsValid)
            {
                long at = transactionStart >= 0 && record.Offset < transactionEnd ? transactionStart : record.Offset;
                return Math.Min(cut, at);
            }
        }

        // Never end inside a transaction its boundary record says is longer: Dovecot would wait for the rest of it
        // and append its next transactions inside the torn one.
        return transactionStart >= 0 && transactionStart < cut && transactionEnd > cut ? transactionStart : cut;
    }

    private bool IsMaildir => string.Equals(Mailbox.Format, "maildir", StringComparison.OrdinalIgnoreCase);

    private static MailboxDirectory Track(List<MailboxDirectory> opened, MailboxDirectory dir)
    {
        opened.Add(dir);
        return dir;
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>
    /// Reads a file that is looked at, not repaired: a link or a non-file there is treated as absent (the action on
    /// that file itself refuses it), so it can only make the repair know less, never write elsewhere.
    /// </summary>
    private static byte[]? TryReadOther(MailboxDirectory directory, string name)
    {
        try
        {
            return TryReadAll(directory, name, out _);
        }
        catch (RepairRefusedException ex) when (ex.Refusal is RepairRefusal.SymbolicLink or RepairRefusal.NotRegularFile)
        {
            return null;
        }
    }

    private static byte[]? TryReadAll(MailboxDirectory directory, string name, out FileStatus? status)
    {
        SafeFileHandle handle;
        try
        {
            handle = directory.OpenFile(name, Libc.O_RDONLY, out FileStatus opened);
            status = opened;
        }
        catch (FileNotFoundException)
        {
            status = null;
            return null;
        }

        using (handle)
        {
            return MailboxDirectory.ReadAll(handle, directory.PathOf(name), MaxFileSize);
        }
    }

    /// <summary>
    /// Refuses, before anything is copied or written, a file no repair may change: a link, not a regular file, or one
    /// with other hard links (<see cref="SafeFileWriter.RefusalFor"/>; the writers check again just before writing).
    /// </summary>
    private static void EnsureChangeable(FileStatus status, string path)
    {
        if (SafeFileWriter.RefusalFor(status, path) is { } refused)
        {
            throw refused;
        }
    }

    /// <summary>The quarantined copy must be of the file that was read and judged.</summary>
    private static void EnsureSame(QuarantinedFile copy, FileStatus read)
    {
        if (!copy.Status.SameFileAndContent(read))
        {
            throw new RepairRefusedException(RepairRefusal.ChangedDuringRepair, copy.Original, copy.Original + " changed between reading it and quarantining it; left as it is (the copy " + copy.Copy + " stays).");
        }
    }

    private RepairResult Nothing(string path, string state) =>
        new(Mailbox.IndexDirectory, path, RepairAction.None, state, state, null, Array.Empty<string>());

    private void EnsureLocked(bool uidList)
    {
        if (!heldLock.IsHeld || heldLock.IsLost)
        {
            throw new RepairRefusedException(RepairRefusal.LockNotHeld, heldLock.MailboxPath, "the lock on " + heldLock.MailboxPath + " is no longer held; the repair stops before Dovecot and it write at the same time.");
        }

        if (uidList && (heldLock.UidList == null || !SameDirectory(Path.GetDirectoryName(heldLock.UidList.Path)!, controlDirectory.Path)))
        {
            throw new RepairRefusedException(RepairRefusal.LockNotHeld, controlDirectory.PathOf(DovecotFileNames.UidList), "rebuilding " + controlDirectory.PathOf(DovecotFileNames.UidList) + " needs its dotlock too (MailboxLockOptions.IncludeUidList, with UidListDirectory for a CONTROL= directory: see LockOptionsFor).");
        }
    }

    private UidList? ReadUidList()
    {
        byte[]? data = TryReadOther(controlDirectory, DovecotFileNames.UidList);
        return data == null ? null : UidList.Parse(data, controlDirectory.PathOf(DovecotFileNames.UidList));
    }

    private MailboxState ReadIndexState()
    {
        byte[]? index = TryReadOther(indexDirectory, DovecotFileNames.Index);
        byte[]? log = TryReadOther(indexDirectory, DovecotFileNames.IndexLog);
        byte[]? log2 = TryReadOther(indexDirectory, DovecotFileNames.IndexLog2);
        return MailboxState.Replay(
            index == null ? null : IndexFile.Parse(index, indexDirectory.PathOf(DovecotFileNames.Index)),
            log2 == null ? null : TransactionLogFile.Parse(log2, indexDirectory.PathOf(DovecotFileNames.IndexLog2)),
            log == null ? null : TransactionLogFile.Parse(log, indexDirectory.PathOf(DovecotFileNames.IndexLog)));
    }

    /// <summary>
    /// The virtual size dovecot.index knows for each UID: its <c>vsize</c> record field, else <c>size.virtual</c> in
    /// the cache (only when the cache is the one the index's records point into: file_seq = the cache ext's reset_id).
    /// </summary>
    private Dictionary<uint, ulong> IndexVirtualSizes()
    {
        var sizes = new Dictionary<uint, ulong>();
        byte[]? data = TryReadOther(indexDirectory, DovecotFileNames.Index);
        if (data == null)
        {
            return sizes;
        }

        IndexFile index = IndexFile.Parse(data, indexDirectory.PathOf(DovecotFileNames.Index));
        if (!index.IsUsable)
        {
            return sizes;
        }

        IndexExtension? vsize = index.Extensions.FirstOrDefault(e => e.Name == "vsize" && e.RecordSize == 4);
        IndexExtension? cacheExt = index.Extensions.FirstOrDefault(e => e.Name == "cache" && e.RecordSize == 4);
        CacheFile? cache = null;
        if (vsize == null && cacheExt != null)
        {
            byte[]? cacheData = TryReadOther(indexDirectory, DovecotFileNames.IndexCache);
            CacheFile? parsed = cacheData == null ? null : CacheFile.Parse(cacheData, indexDirectory.PathOf(DovecotFileNames.IndexCache));
            cache = parsed?.Header is { } header && header.FileSeq == cacheExt.ResetId && header.IndexId == index.Header.IndexId ? parsed : null;
        }

        foreach (IndexRecord record in index.Records)
        {
            ulong? size = null;
            if (vsize != null)
            {
                uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record.Extension(vsize));
                size = value == 0 ? null : value;
            }
            else if (cache != null && cacheExt != null)
            {
                uint offset = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record.Extension(cacheExt));
                size = offset == 0 ? null : cache.VirtualSize(offset);
            }

            if (size is ulong known)
            {
                sizes[record.Uid] = known;
            }
        }

        return sizes;
    }

    /// <summary>Why this looks like a dbox mailbox (sdbox/mdbox), or null.</summary>
    /// <summary>The refusal to move away the index or cache <paramref name="path"/> of a dbox mailbox.</summary>
    internal static RepairRefusedException DboxRefusal(string path, string evidence) =>
        new(RepairRefusal.DboxIndex, path, path + ": this is a dbox mailbox (" + evidence + "); its index holds the UIDs and flags, which no other file has, so it is never dropped.");

    /// <summary>Why the mailbox is a dbox one (its format, or a dbox file found), or null.</summary>
    internal static string? DboxEvidence(string format, MailboxDirectory mailDirectory, MailboxDirectory indexDirectory)
    {
        if (format.ToUpperInvariant() is "SDBOX" or "MDBOX" or "DBOX")
        {
            return "format " + format;
        }

        if (mailDirectory.Stat("dbox-Mails") is { IsDirectory: true })
        {
            return "it has dbox-Mails/";
        }

        foreach (string name in mailDirectory.List())
        {
            if (name.StartsWith("u.", StringComparison.Ordinal) && name.Length > 2 && name.AsSpan(2).IndexOfAnyExceptInRange('0', '9') < 0)
            {
                return "it has sdbox mail file " + name;
            }
        }

        return indexDirectory.Stat(DovecotFileNames.MapIndex) != null ? "it has dovecot.map.index" : null;
    }
}
