using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Reporting;
using Microsoft.Win32.SafeHandles;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Verification;

/// <summary>
/// One run of <see cref="MailboxVerifier.Verify(MailboxLocation, IActivityLog?)"/>: reads the mailbox's files once (never through a symlink), lets
/// the readers in Core/Index find what they find, maps their problems to <see cref="IndexDamageKind"/>, and adds the
/// checks no single reader can make. The checks live in files named by the file they concern
/// (MailboxVerification.Index.cs, .Log.cs, .Cache.cs, .UidList.cs, .Maildir.cs).
/// </summary>
internal sealed partial class MailboxVerification
{
    /// <summary>Largest file read (a dovecot.index of a few million messages is far below).</summary>
    internal const long MaxFileSize = 1L << 30;

    /// <summary>
    /// At most this many problems of one kind are listed; the rest are counted in one more line. A uidlist lost on
    /// a mailbox of 100,000 messages is one story, not 100,000 objects.
    /// </summary>
    internal const int PerKindLimit = 100;

    private readonly MailboxLocation mailbox;
    private readonly List<IndexDamage> damages = new();
    private readonly HashSet<(string File, long? Offset, IndexDamageKind Code, string Message)> reported = new();
    private readonly Dictionary<IndexDamageKind, int> perKind = new();
    private readonly HashSet<(string File, IndexDamageKind Code)> found = new();
    private readonly Dictionary<string, byte[]> contents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileStamp?> stamps = new(StringComparer.Ordinal);

    private IndexFile? index;
    private TransactionLogFile? log;
    private TransactionLogFile? log2;
    private CacheFile? cache;
    private UidList? uidList;
    private MailboxState? state;
    private (IndexLogPosition Kind, TransactionLogFile? Log) position;

    internal MailboxVerification(MailboxLocation mailbox)
    {
        this.mailbox = mailbox;
        IndexPath = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.Index);
        LogPath = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.IndexLog);
        Log2Path = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.IndexLog2);
        CachePath = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.IndexCache);
        UidListPath = Path.Combine(mailbox.ControlDirectory, DovecotFileNames.UidList);
        KeywordsPath = Path.Combine(mailbox.ControlDirectory, DovecotFileNames.Keywords);
    }

    internal string IndexPath { get; }

    /// <summary>Told which files are read and skipped; null: nobody listens.</summary>
    internal IActivityLog? Log { get; init; }

    internal string LogPath { get; }

    internal string Log2Path { get; }

    internal string CachePath { get; }

    internal string UidListPath { get; }

    internal string KeywordsPath { get; }

    /// <summary>Only Maildir has a dovecot-uidlist and cur/ and new/.</summary>
    private bool IsMaildir => string.Equals(mailbox.Format, "maildir", StringComparison.OrdinalIgnoreCase);

    internal void Run()
    {
        // In the order Dovecot opens them (mail_index_open, then the log the index points into): the index, the head
        // log, then .log.2. A log read after the index is never older than the index, and a rotation between the two
        // log reads shows .log.2 as the .log read just before (see SameFileAsLog), never a .log.2 older than the
        // index's log with a .log newer than it.
        byte[]? bytes = ReadFile(IndexPath);
        index = bytes == null ? null : IndexFile.Parse(bytes, IndexPath);
        bytes = ReadFile(LogPath);
        log = bytes == null ? null : TransactionLogFile.Parse(bytes, LogPath);
        bytes = ReadFile(Log2Path);
        log2 = bytes == null || SameFileAsLog(Log2Path) ? null : TransactionLogFile.Parse(bytes, Log2Path);
        bytes = ReadFile(CachePath);
        cache = bytes == null ? null : CacheFile.Parse(bytes, CachePath);
        if (IsMaildir)
        {
            bytes = ReadFile(UidListPath);
            uidList = bytes == null ? null : UidList.Parse(bytes, UidListPath);
        }
        else
        {
            Log?.Write("Skipped dovecot-uidlist and the mail files: format " + mailbox.Format + " is verified by its index files only");
        }

        // The mailbox as Dovecot would see it after opening: the index with the log after it applied, or the logs
        // alone when a log newer than the index starts afresh (Dovecot then drops the index's records).
        position = LocateIndexInLogs();
        if (position.Kind == IndexLogPosition.Reset)
        {
            state = MailboxState.Replay(null, position.Log == log2 ? log2 : null, log);
        }
        else if (index != null || log != null || log2 != null)
        {
            state = MailboxState.Replay(index, log2, log);
        }

        CheckIndex();
        CheckLogs();
        CheckCache();
        if (IsMaildir)
        {
            CheckUidList();
            CheckKeywords();
            CheckMaildir();
        }
    }

    /// <summary>
    /// Whether a file read (or found missing, or a Maildir folder listed) is not what its name names now: another
    /// file (renamed over, rotated), or the same file with another size, mtime or ctime (written while being read).
    /// A problem found in such a read may be a writer's half-done change rather than damage.
    /// </summary>
    internal bool ChangedSinceRead() => stamps.Any(s => Libc.NoFollow.StampOfLink(s.Key) != s.Value);

    /// <summary>
    /// Whether <paramref name="path"/> (.log.2) was read as the very file read as dovecot.index.log: Dovecot rotates
    /// by link(.log, .log.2) and then renaming the new log over .log, so for a moment both names are one file.
    /// Dovecot's reader ignores .log.2 then, comparing inodes (mail-transaction-log-file.c); so does this one.
    /// </summary>
    private bool SameFileAsLog(string path) =>
        stamps.GetValueOrDefault(LogPath) is { } logStamp && stamps.GetValueOrDefault(path) is { } stamp && stamp.SameFile(logStamp);

    /// <summary>The problems, in file order and by offset, with the counts of those past <see cref="PerKindLimit"/>.</summary>
    internal IReadOnlyList<IndexDamage> Result()
    {
        var all = new List<IndexDamage>(damages);
        foreach (var (code, count) in perKind.OrderBy(k => k.Key))
        {
            if (count > PerKindLimit)
            {
                IndexDamage first = damages.First(d => d.Code == code);
                all.Add(first with
                {
                    Offset = null,
                    Message = N(count - PerKindLimit) + " more problems of this kind are not listed",
                });
            }
        }

        // OrderBy is stable: problems at one offset keep the order the checks found them in.
        return all.OrderBy(d => FileRank(d.File)).ThenBy(d => d.Offset ?? long.MaxValue).ToList();
    }

    private int FileRank(string file)
    {
        string[] order = [IndexPath, Log2Path, LogPath, CachePath, UidListPath, KeywordsPath];
        int rank = Array.IndexOf(order, file);
        return rank < 0 ? order.Length : rank;
    }

    /// <summary>Records a problem once (readers and cross-checks may see the same thing).</summary>
    private void Add(string file, IndexDamageKind code, DamageSeverity severity, long? offset, string message, RecommendedRepair repair, string description)
    {
        if (!reported.Add((file, offset, code, message)))
        {
            return;
        }

        found.Add((file, code));
        perKind.TryGetValue(code, out int count);
        perKind[code] = ++count;
        if (count <= PerKindLimit)
        {
            damages.Add(new IndexDamage(mailbox.Name, file, code, severity, offset, message, repair, description));
        }
    }

    /// <summary>Whether a problem of <paramref name="code"/> has been recorded for <paramref name="file"/>.</summary>
    private bool Has(string file, IndexDamageKind code) => found.Contains((file, code));

    /// <summary>Whether any problem of at least <paramref name="severity"/> has been recorded for <paramref name="file"/>.</summary>
    private bool HasAny(string file, DamageSeverity severity) => damages.Any(d => d.File == file && d.Severity >= severity);

    /// <summary>The bytes read from <paramref name="file"/> (empty if it was not read).</summary>
    private byte[] Bytes(string file) => contents.TryGetValue(file, out byte[]? data) ? data : Array.Empty<byte>();

    /// <summary>
    /// Reads a whole file, or returns null when it is missing or is no regular file (a symlink, a directory, a FIFO:
    /// reported, not followed, not opened in a way that could block).
    /// </summary>
    private byte[]? ReadFile(string path)
    {
        stamps[path] = Libc.NoFollow.StampOfLink(path);
        uint type = Libc.NoFollow.TypeOfLink(path);
        if (type == 0)
        {
            Log?.Write("Skipped " + path + ": not there");
            return null;
        }

        if (type == Libc.NoFollow.S_IFLNK)
        {
            Log?.Write("Skipped " + path + ": a symbolic link, not followed");
            ReportSymlink(path);
            return null;
        }

        using SafeFileHandle? handle = Libc.NoFollow.OpenForReading(path, out int errno);
        if (handle == null)
        {
            // Replaced between lstat and open: gone now, or a symlink now.
            if (errno == Libc.ELOOP)
            {
                ReportSymlink(path);
            }

            return null;
        }

        // What was opened, not what the name showed a moment before: ChangedSinceRead compares the name with it.
        stamps[path] = Libc.NoFollow.Stamp(handle, path);
        (uint openedType, long size) = Libc.NoFollow.TypeAndSize(handle, path);
        if (openedType != Libc.NoFollow.S_IFREG)
        {
            Add(path, IndexDamageKind.NotARegularFile, DamageSeverity.Error, null, Path.GetFileName(path) + (openedType == Libc.S_IFDIR ? " is a folder, not a file" : " is not a regular file (mode type 0" + Convert.ToString(openedType >> 12, 8) + ")"), RecommendedRepair.Report, "Dovecot cannot use it; move it away by hand after looking at what it is.");
            return null;
        }

        if (size > MaxFileSize)
        {
            Add(path, IndexDamageKind.FileTooLarge, DamageSeverity.Warning, null, "File too large to verify (" + N(size) + " bytes)", RecommendedRepair.Report, "Not checked.");
            return null;
        }

        Log?.Write("Read " + path + " (" + ActivityLog.Bytes(size) + ")");

        var buffer = new byte[size];
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(done), done);
            if (n == 0)
            {
                // Shrank while being read (a writer truncating): check what was there.
                buffer = buffer.AsSpan(0, done).ToArray();
                break;
            }

            done += n;
        }

        contents[path] = buffer;
        return buffer;
    }

    private void ReportSymlink(string path)
    {
        string target;
        try
        {
            target = new FileInfo(path).LinkTarget ?? "?";
        }
        catch (IOException)
        {
            target = "?";
        }

        Add(
            path,
            IndexDamageKind.SymlinkedIndexFile,
            DamageSeverity.Error,
            null,
            Path.GetFileName(path) + " is a symbolic link to " + target + "; not followed",
            RecommendedRepair.Report,
            "Dovecot would read and write through it, so whoever can write the folder can point it at any file. Remove the link by hand after checking where it points; Dovecot then recreates the file.");
    }

    private static string Name(string path) => Path.GetFileName(path);
}
