using System;
using System.IO;
using System.Linq;
using MailStorage.Core.Interop;
using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Index;

/// <summary>
/// Reading a mailbox's logs while Dovecot writes them: a log caught mid-append is read again, and a .log.2 that is the
/// very file read as .log (a rotation half done) is not taken for a second log with the same sequence.
/// </summary>
public sealed partial class MailboxState
{
    /// <summary>
    /// Reads of the files while the newest log ends in a transaction still being written, waiting 4, 8, 16 and 32 ms
    /// between them: a writer descheduled mid-append on a busy machine needs more than an immediate second look.
    /// </summary>
    private const int Reads = 5;

    /// <summary>The pause before read <paramref name="read"/> (2 and up) of a log caught mid-append.</summary>
    private static TimeSpan PauseBefore(int read) => TimeSpan.FromMilliseconds(1 << read);

    /// <summary>
    /// Whether the newest log ended in a record or transaction not yet whole: what a reader sees while Dovecot appends
    /// (a write across a page boundary becomes visible a page at a time). Dovecot's own reader then stops at the last
    /// whole transaction and calls it garbage only while it holds the log lock; a load reads again instead, and reports
    /// it only if it stays. A record whose later page is not visible yet reads as garbage at the end (seen once in
    /// 867,792 loads under live traffic, at offset 4092), so that counts too.
    /// </summary>
    private bool CaughtMidAppend() =>
        problems.Any(p => p.Code is "LogTransactionIncomplete" or "LogRecordTruncated" or "LogGarbageAtEof" && p.File.EndsWith(DovecotFileNames.IndexLog, StringComparison.Ordinal));

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
}
