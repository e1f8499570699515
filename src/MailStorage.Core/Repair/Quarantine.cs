using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using MailStorage.Core.Interop;
using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Repair;

/// <summary>
/// Where a repair keeps every original it changes, replaces, cuts or drops, byte for byte with owner, mode and times,
/// listed with its SHA-256 in <c>manifest.jsonl</c>. One quarantine is one folder named by the UTC time of its first
/// copy (<c>20261130T041619Z</c>, <c>-1</c>, <c>-2</c>... when that exists), created only when a first file is copied,
/// under a root folder that is either given (<c>-QuarantinePath</c>, best outside every mail tree) or, by default,
/// <see cref="DefaultFolderName"/> in the mailbox's index directory.
/// </summary>
/// <remarks>
/// Why that default name: in the Maildir++ layout (Dovecot's default) every directory whose name starts with '.' in a
/// mail root is a mailbox, so <c>.mailstorage-quarantine</c> would show up as a folder named
/// <c>mailstorage-quarantine</c> (and <c>..x</c> as an invalid one); a name without the dot is ignored by Dovecot's
/// Maildir++ listing (mailbox-list-maildir-iter.c skips names that do not start with the separator), and inside a
/// mailbox's own directory nothing but cur/, new/ and tmp/ is looked at. With <c>LAYOUT=fs</c> every directory is a
/// mailbox whatever its name, so give a root outside the mail tree there. The folders are created mode 0700 by the
/// repairing user (root, usually): users cannot alter the evidence; the copies keep their owner and mode.
/// The copy is complete, fsynced and verified by re-reading before the caller may touch the original, so a repair
/// killed at any point leaves either the original in place or a whole copy here. A file of the folder that the
/// manifest does not list is a copy cut short by such a kill (its original was not touched) and can be deleted. The
/// default keeps the copies on the mailbox's own filesystem, where they count against the owner's quota if any.
/// </remarks>
public sealed class Quarantine : IDisposable
{
    /// <summary>The default root folder's name, inside the index directory.</summary>
    public const string DefaultFolderName = "mailstorage-quarantine";

    private const int CopyBufferSize = 1 << 20;
    private readonly string? rootPath;
    private readonly List<QuarantineEntry> entries = new();
    private readonly Func<DateTimeOffset> clock;
    private MailboxDirectory? folder;
    private MailboxDirectory? indexDirectory;
    private SafeFileHandle? manifest;
    private long manifestLength;

    private Quarantine(string? rootPath, Func<DateTimeOffset>? clock)
    {
        this.rootPath = rootPath;
        this.clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>The quarantine folder, once a first file was copied (null before).</summary>
    public string? Path => folder?.Path;

    /// <summary>What was copied, in order.</summary>
    public IReadOnlyList<QuarantineEntry> Entries => entries;

    /// <summary>A quarantine under <paramref name="root"/> (created when missing); its folder is made at the first copy.</summary>
    public static Quarantine Under(string root, Func<DateTimeOffset>? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        return new Quarantine(System.IO.Path.GetFullPath(root), clock);
    }

    /// <summary>A quarantine in <see cref="DefaultFolderName"/> of the mailbox's index directory (the default).</summary>
    public static Quarantine InIndexDirectory(Func<DateTimeOffset>? clock = null) => new(null, clock);

    /// <summary>The folder name for a quarantine started at <paramref name="time"/>: <c>yyyyMMddTHHmmssZ</c>, UTC.</summary>
    public static string FolderName(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Closes the folder and the manifest.</summary>
    public void Dispose()
    {
        manifest?.Dispose();
        manifest = null;
        folder?.Dispose();
        folder = null;
    }

    /// <summary>
    /// Copies <paramref name="name"/> of <paramref name="directory"/> into the quarantine: same bytes, owner, mode,
    /// atime and mtime; fsynced, re-read and compared, then listed in the manifest (fsynced too). Returns the
    /// original's status as it was copied: the caller must find the file still in that state before changing it.
    /// </summary>
    internal QuarantinedFile Add(MailboxDirectory directory, string name, string action, string reason)
    {
        ArgumentNullException.ThrowIfNull(directory);
        MailboxDirectory target = Folder(indexDirectory ?? directory);
        string originalPath = directory.PathOf(name);

        // O_NOATIME: quarantining reads the original without moving its atime (for its owner and root).
        using SafeFileHandle source = directory.OpenFile(name, Libc.O_RDONLY | Libc.O_NOATIME, out FileStatus before);
        (string copyName, SafeFileHandle copy) = CreateCopy(target, name);
        string copyPath = target.PathOf(copyName);
        bool keep = false;
        try
        {
            byte[] sourceHash;
            using (copy)
            {
                sourceHash = CopyContent(source, copy, before.Size, originalPath, copyPath);
                FileStatus after = MailboxDirectory.StatOf(source, originalPath);
                if (!after.SameFileAndContent(before))
                {
                    throw new RepairRefusedException(RepairRefusal.ChangedDuringRepair, originalPath, originalPath + " changed while it was being copied to the quarantine (" + before + " -> " + after + "); is the mailbox lock really keeping Dovecot out?");
                }

                // Read the copy back before its times are set (reading may move the atime).
                Must(MailboxDirectory.OnDescriptor(copy, Libc.fsync), "fsync", copyPath);
                VerifyContent(copy, before.Size, sourceHash, copyPath);
                KeepAttributes(copy, before, copyPath);
                Must(MailboxDirectory.OnDescriptor(copy, Libc.fsync), "fsync", copyPath);
                VerifyAttributes(MailboxDirectory.StatOf(copy, copyPath), before, copyPath);
            }

            target.Sync();
            var entry = new QuarantineEntry(
                clock(), originalPath, copyName, action, reason, before.Size, Convert.ToHexStringLower(sourceHash),
                before.Uid, before.Gid, before.OctalPermissions, Nanoseconds(before.ModifyTime), Nanoseconds(before.AccessTime));
            AppendManifest(target, entry);
            entries.Add(entry);
            keep = true;
            return new QuarantinedFile(originalPath, copyPath, before, entry.Sha256);
        }
        finally
        {
            if (!keep)
            {
                try
                {
                    target.Unlink(copyName);
                }
                catch (IOException)
                {
                    // the failure being reported matters more than a partial copy left in the quarantine
                }
            }
        }
    }

    /// <summary>The index directory the default root goes in (a repair session binds its own).</summary>
    internal void BindIndexDirectory(MailboxDirectory directory) => indexDirectory = folder == null ? directory : indexDirectory;

    private static long Nanoseconds(Libc.timespec_t t) => (t.tv_sec * 1_000_000_000L) + t.tv_nsec;

    private static void Must(int result, string call, string path)
    {
        if (result < 0)
        {
            throw Libc.Failure(call, path, Libc.LastErrno);
        }
    }

    private static (string Name, SafeFileHandle Handle) CreateCopy(MailboxDirectory target, string name)
    {
        for (int n = 0; ; n++)
        {
            string candidate = n == 0 ? name : name + "." + n.ToString(CultureInfo.InvariantCulture);
            if (target.Stat(candidate) != null || candidate == QuarantineEntry.ManifestName)
            {
                continue;
            }

            try
            {
                return (candidate, target.CreateFile(candidate, 0x180));
            }
            catch (IOException ex) when (ex.HResult == Libc.EEXIST)
            {
                // created meanwhile: try the next name
            }
        }
    }

    private static byte[] CopyContent(SafeFileHandle source, SafeFileHandle copy, long size, string sourcePath, string copyPath)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[(int)Math.Min(CopyBufferSize, Math.Max(size, 1))];
        long offset = 0;
        while (true)
        {
            int n = RandomAccess.Read(source, buffer, offset);
            if (n == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, n);
            RandomAccess.Write(copy, buffer.AsSpan(0, n), offset);
            offset += n;
        }

        if (offset != size)
        {
            throw new RepairRefusedException(RepairRefusal.ChangedDuringRepair, sourcePath, sourcePath + " changed size while it was copied to " + copyPath + " (" + size + " -> " + offset + " bytes).");
        }

        return hash.GetHashAndReset();
    }

    private static unsafe void KeepAttributes(SafeFileHandle copy, FileStatus original, string copyPath)
    {
        // fchown first: a chown clears set-id bits, which fchmod then restores.
        if (MailboxDirectory.OnDescriptor(copy, fd => Libc.fchown(fd, original.Uid, original.Gid)) < 0)
        {
            int errno = Libc.LastErrno;
            throw new RepairRefusedException(RepairRefusal.QuarantineFailed, copyPath, "cannot give " + copyPath + " the owner of the original (" + original.Uid + ":" + original.Gid + "): " + Libc.Describe(errno) + " (errno " + errno + "); repairs keep owners and run as root or as the mailbox owner.");
        }

        Must(MailboxDirectory.OnDescriptor(copy, fd => Libc.fchmod(fd, original.Permissions)), "fchmod", copyPath);
        Libc.timespec_t atime = original.AccessTime;
        Libc.timespec_t mtime = original.ModifyTime;
        Must(MailboxDirectory.OnDescriptor(copy, fd =>
        {
            Libc.timespec_t* times = stackalloc Libc.timespec_t[2];
            times[0] = atime;
            times[1] = mtime;
            return Libc.futimens(fd, times);
        }), "futimens", copyPath);
    }

    private static void VerifyContent(SafeFileHandle copy, long size, byte[] sourceHash, string copyPath)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[(int)Math.Min(CopyBufferSize, Math.Max(size, 1))];
        long offset = 0;
        int n;
        while ((n = RandomAccess.Read(copy, buffer, offset)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            offset += n;
        }

        if (offset != size || !hash.GetHashAndReset().AsSpan().SequenceEqual(sourceHash))
        {
            throw new RepairRefusedException(RepairRefusal.QuarantineFailed, copyPath, "the quarantine copy " + copyPath + " does not read back as its original (" + offset + " of " + size + " bytes, or another SHA-256).");
        }
    }

    private static void VerifyAttributes(FileStatus copied, FileStatus original, string copyPath)
    {
        string? wrong = null;
        if (copied.Uid != original.Uid || copied.Gid != original.Gid || copied.Permissions != original.Permissions)
        {
            wrong = "owner or mode differs (" + copied.Uid + ":" + copied.Gid + " " + copied.OctalPermissions + ")";
        }
        else if (copied.ModifyTime.tv_sec != original.ModifyTime.tv_sec || copied.ModifyTime.tv_nsec != original.ModifyTime.tv_nsec ||
            copied.AccessTime.tv_sec != original.AccessTime.tv_sec || copied.AccessTime.tv_nsec != original.AccessTime.tv_nsec)
        {
            wrong = "times differ";
        }

        if (wrong != null)
        {
            throw new RepairRefusedException(RepairRefusal.QuarantineFailed, copyPath, "the quarantine copy " + copyPath + " does not match its original: " + wrong + ".");
        }
    }

    private MailboxDirectory Folder(MailboxDirectory parent)
    {
        if (folder != null)
        {
            return folder;
        }

        MailboxDirectory root;
        if (rootPath == null)
        {
            if (parent.CreateDirectory(DefaultFolderName, 0x1C0))
            {
                parent.Sync();
            }

            root = parent.OpenDirectory(DefaultFolderName);
        }
        else
        {
            // The administrator's path: missing parents are created; its last component must not be a link. Its
            // parent is fsynced so that the new folder survives a power cut as the copies in it do.
            bool existed = Directory.Exists(rootPath);
            Directory.CreateDirectory(rootPath);
            root = MailboxDirectory.Open(rootPath);
            if (!existed && System.IO.Path.GetDirectoryName(rootPath) is { } above)
            {
                using MailboxDirectory aboveRoot = MailboxDirectory.Open(above);
                aboveRoot.Sync();
            }
        }

        using (root)
        {
            string stamp = FolderName(clock());
            for (int n = 0; ; n++)
            {
                string name = n == 0 ? stamp : stamp + "-" + n.ToString(CultureInfo.InvariantCulture);
                if (root.CreateDirectory(name, 0x1C0))
                {
                    folder = root.OpenDirectory(name);
                    root.Sync();
                    return folder;
                }
            }
        }
    }

    private void AppendManifest(MailboxDirectory target, QuarantineEntry entry)
    {
        bool created = false;
        if (manifest == null)
        {
            manifest = target.CreateFile(QuarantineEntry.ManifestName, 0x180);
            created = true;
        }

        byte[] line = Encoding.UTF8.GetBytes(entry.ToJsonLine() + "\n");
        RandomAccess.Write(manifest, line, manifestLength);
        manifestLength += line.Length;
        Must(MailboxDirectory.OnDescriptor(manifest, Libc.fsync), "fsync", target.PathOf(QuarantineEntry.ManifestName));
        if (created)
        {
            target.Sync();
        }
    }
}

/// <summary>A file copied into the quarantine: where from, where to, the original's status at copy time, its SHA-256.</summary>
internal sealed record QuarantinedFile(string Original, string Copy, FileStatus Status, string Sha256);
