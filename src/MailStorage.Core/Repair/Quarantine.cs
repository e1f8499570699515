using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;
using MailStorage.Core.Mailboxes;
using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Repair;

/// <summary>
/// Where a repair keeps every original it changes, replaces, cuts or drops, byte for byte with owner, mode and times,
/// listed with its SHA-256 and original path in <c>manifest.jsonl</c>. One quarantine is one folder per mailbox and
/// run, named by the UTC time of its first copy and the mailbox's mail folder
/// (<c>20261130T041619Z_srv_mail_alice_Maildir_.Archive</c>; <c>-1</c>, <c>-2</c>... when that exists), created only
/// when a first file is copied, under a root folder that is either given (<c>-QuarantinePath</c>) or, by default,
/// <see cref="DefaultRoot"/> (<c>/var/lib/mailstorage/quarantine</c>), which every mailbox of the host shares.
/// </summary>
/// <remarks>
/// Why outside the mail tree, always: Dovecot lists, renames and deletes every folder of a mail tree. A quarantine
/// folder in a mailbox's index directory (the old default) is root's and mode 0700, so <c>doveadm mailbox delete</c>
/// of that mailbox, running as the mail user, cannot remove it and logs an error at every later delete; one in
/// <c>new/</c> or <c>cur/</c> is taken for a message, one named <c>.X</c> in a Maildir++ root becomes a folder the
/// user sees. So a root inside a mailbox or a mail root (its mail, index or control folders, the roots given by the
/// caller, or any folder holding <c>cur/</c> and <c>new/</c> or Dovecot's index or control files), after resolving
/// links, is refused (<see cref="RepairRefusal.QuarantineInsideMailTree"/>); a root above the mail tree (<c>/srv</c>)
/// is fine, since only a dated folder is made in it.
/// A root with a symbolic link in any component of the path as given (made absolute) is refused
/// (<see cref="RepairRefusal.QuarantinePathSymbolicLink"/>): a repair runs as root, and a link lets whoever can
/// write the folder it sits in choose where root writes. Missing components are then created mode 0700, one by one
/// from <c>/</c> with mkdirat and opened with openat(O_NOFOLLOW|O_DIRECTORY), so a link swapped in during the walk
/// is refused too; a component that is a file is <see cref="RepairRefusal.QuarantinePathNotFolder"/>. All three are
/// checked before a repair takes a lock or creates anything.
/// The folders are created mode 0700 by the repairing user (root, usually): users cannot alter the evidence; the
/// copies keep their owner and mode. The copy is complete, fsynced and verified by re-reading before the caller may
/// touch the original, so a repair killed at any point leaves either the original in place or a whole copy here. A
/// file of the folder that the manifest does not list is a copy cut short by such a kill (its original was not
/// touched) and can be deleted.
/// </remarks>
public sealed class Quarantine : IDisposable
{
    /// <summary>
    /// The default root: on the repairing host's own disk, where Dovecot never lists, renames or deletes folders (see
    /// the remarks). It holds one folder per mailbox and run.
    /// </summary>
    public const string DefaultRoot = "/var/lib/mailstorage/quarantine";

    /// <summary>The most of a mailbox's path a folder name holds (names are at most 255 bytes; the time and a -n suffix fit beside).</summary>
    public const int MaxLabelBytes = 200;

    /// <summary>Mode of every folder a quarantine creates: the repairing user's alone (0700).</summary>
    private const uint FolderMode = 0x1C0;

    private const int CopyBufferSize = 1 << 20;
    private readonly string rootPath;
    private readonly List<QuarantineEntry> entries = new();
    private readonly Func<DateTimeOffset> clock;
    private MailboxDirectory? folder;
    private IReadOnlyList<string> mailTree = Array.Empty<string>();
    private MailboxLocation? mailbox;
    private SafeFileHandle? manifest;
    private long manifestLength;

    private Quarantine(string rootPath, Func<DateTimeOffset>? clock)
    {
        this.rootPath = rootPath;
        this.clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>The quarantine folder, once a first file was copied (null before).</summary>
    public string? Path => folder?.Path;

    /// <summary>What was copied, in order.</summary>
    public IReadOnlyList<QuarantineEntry> Entries => entries;

    /// <summary>The root folder (absolute, without links), under which this quarantine's folder is made.</summary>
    public string Root => rootPath;

    /// <summary>
    /// A quarantine under <paramref name="root"/> (missing components are created at the first copy). A root with a
    /// symbolic link in any component, or with a component that is not a folder, is refused here with a
    /// <see cref="RepairRefusedException"/> (see <see cref="CheckPath"/>); nothing is created.
    /// </summary>
    public static Quarantine Under(string root, Func<DateTimeOffset>? clock = null) => new(CheckPath(root), clock);

    /// <summary>
    /// <paramref name="root"/> made absolute and normalized, after checking each component of it as given (made
    /// absolute, before any <c>..</c> is applied) that exists: a symbolic link is refused
    /// (<see cref="RepairRefusal.QuarantinePathSymbolicLink"/>, naming the component), and so is anything but a folder
    /// (<see cref="RepairRefusal.QuarantinePathNotFolder"/>). Without links, the normalized path is where the folder
    /// really is. Creates nothing.
    /// </summary>
    public static string CheckPath(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        string given = System.IO.Path.IsPathRooted(root) ? root : System.IO.Path.Combine(Environment.CurrentDirectory, root);
        string prefix = string.Empty;
        foreach (string component in given.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            prefix += "/" + component;
            if (component is "." or "..")
            {
                continue;
            }

            uint type = Libc.NoFollow.TypeOfLink(prefix);
            if (type == 0)
            {
                break;
            }

            if (type == Libc.S_IFLNK)
            {
                throw SymbolicLinkIn(root, prefix);
            }

            if (type != Libc.S_IFDIR)
            {
                throw NotAFolder(root, prefix);
            }
        }

        return Normalize(given);
    }

    /// <summary>
    /// Refuses (<see cref="RepairRefusal.QuarantineInsideMailTree"/>) a quarantine root whose dated folder would lie in
    /// the mail tree: the root, after <see cref="CheckPath"/>, is one of <paramref name="mailTree"/> (a mailbox's mail,
    /// index and control folders, mail roots, INDEX= and CONTROL= roots; links resolved) or below one, or it or a
    /// folder above it holds <c>cur/</c> and <c>new/</c> (a Maildir) or Dovecot's index or control files. Returns the
    /// checked root. Creates nothing.
    /// </summary>
    public static string Check(string root, IEnumerable<string?> mailTree)
    {
        ArgumentNullException.ThrowIfNull(mailTree);
        string full = CheckPath(root);
        RefuseInside(root, full, mailTree);
        return full;
    }

    /// <summary>A mailbox's folders (mail, index, control) and the further mail roots given, as <see cref="Check"/> takes them.</summary>
    public static IReadOnlyList<string> MailTreeOf(MailboxLocation mailbox, IEnumerable<string?>? roots = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var tree = new List<string> { mailbox.MailDirectory, mailbox.IndexDirectory, mailbox.ControlDirectory };
        tree.AddRange((roots ?? Array.Empty<string?>()).OfType<string>());
        return tree;
    }

    /// <summary>The folder name for a quarantine started at <paramref name="time"/>: <c>yyyyMMddTHHmmssZ</c>, UTC.</summary>
    public static string FolderName(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The folder name for a quarantine of <paramref name="mailbox"/> started at <paramref name="time"/>: the time, then
    /// the mailbox's mail folder with '/' as '_' (its end, when longer than <see cref="MaxLabelBytes"/> bytes), so that
    /// the folders of many mailboxes under one root can be told apart without opening their manifests.
    /// </summary>
    public static string FolderName(DateTimeOffset time, MailboxLocation mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        string label = System.IO.Path.GetFullPath(mailbox.MailDirectory).TrimEnd('/').Replace('/', '_');
        while (Encoding.UTF8.GetByteCount(label) > MaxLabelBytes)
        {
            label = label[1..];
        }

        return FolderName(time) + label;
    }

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
        MailboxDirectory target = Folder();
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

    /// <summary>The mailbox a repair session copies from: its folders are checked again before the quarantine's is made, which is named after it.</summary>
    internal void BindMailbox(MailboxLocation mailbox)
    {
        mailTree = MailTreeOf(mailbox);
        this.mailbox = mailbox;
    }

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

    private MailboxDirectory Folder()
    {
        if (folder != null)
        {
            return folder;
        }

        // Checked again here for callers that bind a mailbox without going through MailboxRepairer (and for a root
        // moved under a mail tree since): the folder is about to be made.
        RefuseInside(rootPath, rootPath, mailTree);
        MailboxDirectory root = OpenOrCreate(rootPath);
        using (root)
        {
            string stamp = mailbox == null ? FolderName(clock()) : FolderName(clock(), mailbox);
            for (int n = 0; ; n++)
            {
                string name = n == 0 ? stamp : stamp + "-" + n.ToString(CultureInfo.InvariantCulture);
                if (root.CreateDirectory(name, FolderMode))
                {
                    folder = root.OpenDirectory(name);
                    root.Sync();
                    return folder;
                }
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="full"/> (absolute, normalized) walking from <c>/</c>: each component is opened with
    /// openat(O_NOFOLLOW|O_DIRECTORY) in the one before, and made with mkdirat (mode 0700, its parent fsynced) when
    /// missing, so no link, planted before or during the walk, is ever followed.
    /// </summary>
    private static MailboxDirectory OpenOrCreate(string full)
    {
        MailboxDirectory current = MailboxDirectory.Open("/");
        try
        {
            foreach (string component in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (current.Stat(component) == null && current.CreateDirectory(component, FolderMode))
                {
                    current.Sync();
                }

                MailboxDirectory next;
                try
                {
                    next = current.OpenDirectory(component);
                }
                catch (RepairRefusedException ex) when (ex.Refusal == RepairRefusal.SymbolicLink)
                {
                    throw SymbolicLinkIn(full, current.PathOf(component));
                }
                catch (RepairRefusedException ex) when (ex.Refusal == RepairRefusal.NotRegularFile)
                {
                    throw NotAFolder(full, current.PathOf(component));
                }

                current.Dispose();
                current = next;
            }

            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    private static void RefuseInside(string given, string full, IEnumerable<string?> mailTree)
    {
        string? inside = null;
        foreach (string? place in mailTree)
        {
            if (string.IsNullOrEmpty(place))
            {
                continue;
            }

            string resolved = Resolve(place);
            if (full == resolved || full.StartsWith(resolved == "/" ? "/" : resolved + "/", StringComparison.Ordinal))
            {
                inside = resolved;
                break;
            }
        }

        // Any mail tree, not only the one being repaired: a Maildir (cur/ and new/) or Dovecot's index or control
        // files in the root or a folder above it.
        for (string? at = full; inside == null && at != null; at = System.IO.Path.GetDirectoryName(at))
        {
            if ((Directory.Exists(System.IO.Path.Combine(at, "cur")) && Directory.Exists(System.IO.Path.Combine(at, "new"))) ||
                File.Exists(System.IO.Path.Combine(at, DovecotFileNames.IndexLog)) || File.Exists(System.IO.Path.Combine(at, DovecotFileNames.UidList)))
            {
                inside = at;
            }
        }

        if (inside != null)
        {
            throw new RepairRefusedException(
                RepairRefusal.QuarantineInsideMailTree,
                given,
                "The quarantine path " + given + (given == full ? string.Empty : " (" + full + ")") + " is inside the mail tree " + inside +
                "; Dovecot lists, renames and deletes the folders there (a folder in new/ or cur/ is taken for a message, .Name becomes a mailbox, a root-owned folder breaks doveadm mailbox delete). Give a quarantine path outside every mail tree, e.g. " + DefaultRoot + ".");
        }
    }

    /// <summary>A path with its links resolved: realpath of its longest existing part, and the rest as given.</summary>
    private static string Resolve(string path)
    {
        string full = Normalize(System.IO.Path.GetFullPath(path));
        string rest = string.Empty;
        for (string? existing = full; existing != null; existing = System.IO.Path.GetDirectoryName(existing))
        {
            if (Libc.NoFollow.TypeOfLink(existing) != 0)
            {
                try
                {
                    return Normalize(Libc.realpath(existing) + rest);
                }
                catch (IOException)
                {
                    // a dangling link: compare the path as given
                    return full;
                }
            }

            rest = "/" + System.IO.Path.GetFileName(existing) + rest;
        }

        return full;
    }

    private static string Normalize(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static RepairRefusedException SymbolicLinkIn(string given, string component) => new(
        RepairRefusal.QuarantinePathSymbolicLink,
        given,
        "The quarantine path " + given + " has a symbolic link in it: " + component + ". A repair runs as root and never follows links on its way to the quarantine; give the real path of the folder.");

    private static RepairRefusedException NotAFolder(string given, string component) => new(
        RepairRefusal.QuarantinePathNotFolder,
        given,
        "The quarantine path " + given + " is not a folder: " + component + " exists and is a file (or another non-folder); give a folder, or a path where one can be created.");

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
