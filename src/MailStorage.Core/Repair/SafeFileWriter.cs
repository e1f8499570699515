using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using MailStorage.Core.Interop;
using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Repair;

/// <summary>
/// Changes a mailbox file only in ways a crash cannot tear, only after the quarantine holds a whole copy of it (the
/// methods take the <see cref="QuarantinedFile"/>), and only while it is still exactly the file that was quarantined: a replacement is written to a temporary file in the same directory (owner and mode of the original,
/// fsynced) and renamed over the original, then the directory is fsynced; a truncation is one ftruncate of the file
/// opened without following links and found to be the same inode, size and times, then fsynced; a removal unlinks the
/// name after the same check. A file with other hard links is never changed, replaced or removed. Temporary files left
/// by a killed repair are recognised by name and removed by the next.
/// </summary>
internal static class SafeFileWriter
{
    private const string TempMarker = ".mailstorage-";
    private const string TempSuffix = ".tmp";

    /// <summary>
    /// Replaces <paramref name="name"/> by <paramref name="content"/> with the owner and mode of the quarantined
    /// original, which the file must still match (identity, size, mtime, ctime) with no other hard link.
    /// </summary>
    public static void Replace(MailboxDirectory directory, string name, ReadOnlySpan<byte> content, QuarantinedFile quarantined)
    {
        FileStatus original = quarantined.Status;
        string temp = TempName(name);
        string tempPath = directory.PathOf(temp);
        bool renamed = false;
        try
        {
            using (SafeFileHandle handle = directory.CreateFile(temp, 0x180))
            {
                SetOwnerAndMode(handle, original, tempPath);
                RandomAccess.Write(handle, content, 0);
                Must(MailboxDirectory.OnDescriptor(handle, Libc.fsync), "fsync", tempPath);
            }

            EnsureUnchanged(directory, name, original);
            directory.Rename(temp, name);
            renamed = true;
            directory.Sync();
        }
        finally
        {
            if (!renamed)
            {
                TryUnlink(directory, temp);
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="name"/>, which must not exist, with <paramref name="content"/>, owner and mode, by the
    /// same temporary file and rename; the name is checked just before the rename, which would replace a file created
    /// meanwhile.
    /// </summary>
    public static void Create(MailboxDirectory directory, string name, ReadOnlySpan<byte> content, uint uid, uint gid, uint mode)
    {
        string temp = TempName(name);
        string tempPath = directory.PathOf(temp);
        bool renamed = false;
        try
        {
            using (SafeFileHandle handle = directory.CreateFile(temp, 0x180))
            {
                if (MailboxDirectory.OnDescriptor(handle, fd => Libc.fchown(fd, uid, gid)) < 0)
                {
                    throw Libc.Failure("fchown", tempPath, Libc.LastErrno);
                }

                Must(MailboxDirectory.OnDescriptor(handle, fd => Libc.fchmod(fd, mode & 0xFFF)), "fchmod", tempPath);
                RandomAccess.Write(handle, content, 0);
                Must(MailboxDirectory.OnDescriptor(handle, Libc.fsync), "fsync", tempPath);
            }

            if (directory.Stat(name) is { } appeared)
            {
                throw new RepairRefusedException(RepairRefusal.ChangedDuringRepair, directory.PathOf(name), directory.PathOf(name) + " appeared while it was being rebuilt (" + appeared + ").");
            }

            directory.Rename(temp, name);
            renamed = true;
            directory.Sync();
        }
        finally
        {
            if (!renamed)
            {
                TryUnlink(directory, temp);
            }
        }
    }

    /// <summary>Cuts <paramref name="name"/> to <paramref name="length"/> bytes in place, if it is still the quarantined file and has one link.</summary>
    public static void Truncate(MailboxDirectory directory, string name, long length, QuarantinedFile quarantined)
    {
        FileStatus original = quarantined.Status;
        string path = directory.PathOf(name);
        using SafeFileHandle handle = directory.OpenFile(name, Libc.O_WRONLY, out FileStatus now);
        if (!now.SameFileAndContent(original))
        {
            throw Changed(path, original, now);
        }

        if (RefusalFor(now, path) is { } refused)
        {
            throw refused;
        }

        Must(MailboxDirectory.OnDescriptor(handle, fd => Libc.ftruncate(fd, length)), "ftruncate", path);
        Must(MailboxDirectory.OnDescriptor(handle, Libc.fsync), "fsync", path);
    }

    /// <summary>Removes the name <paramref name="name"/> if it is still the quarantined file with one link, then fsyncs the directory.</summary>
    public static void Remove(MailboxDirectory directory, string name, QuarantinedFile quarantined)
    {
        EnsureUnchanged(directory, name, quarantined.Status);
        directory.Unlink(name);
        directory.Sync();
    }

    /// <summary>
    /// Removes temporary files of repairs that were killed (<c>&lt;name&gt;.mailstorage-&lt;pid&gt;-&lt;hex&gt;.tmp</c>
    /// whose pid is gone); they hold new content never renamed into place, so nothing is lost. Returns their names.
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleTemporaries(MailboxDirectory directory)
    {
        var removed = new List<string>();
        foreach (string entry in directory.List())
        {
            if (TempOwner(entry) is not int pid || pid == Environment.ProcessId || !Libc.ProcessIsGone(pid))
            {
                continue;
            }

            if (directory.Stat(entry) is { IsRegularFile: true } && directory.Unlink(entry))
            {
                removed.Add(entry);
            }
        }

        if (removed.Count > 0)
        {
            directory.Sync();
        }

        return removed;
    }

    /// <summary>The pid in a temporary file name of ours, or null for any other name.</summary>
    internal static int? TempOwner(string entry)
    {
        int marker = entry.LastIndexOf(TempMarker, StringComparison.Ordinal);
        if (marker <= 0 || !entry.EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        string middle = entry[(marker + TempMarker.Length)..^TempSuffix.Length];
        int dash = middle.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == middle.Length - 1)
        {
            return null;
        }

        foreach (char c in middle[(dash + 1)..])
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return null;
            }
        }

        return int.TryParse(middle.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    private static string TempName(string name) =>
        name + TempMarker + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + TempSuffix;

    /// <summary>
    /// Why a repair must not change, replace or remove the file <paramref name="path"/> whose lstat (or fstat) is
    /// <paramref name="status"/>, or null when it may: a symbolic link is never followed or replaced; anything but a
    /// regular file is not a file Dovecot wrote; a file with other hard links would change under its other names too (a
    /// cut) or stay behind there with the damage (a rename over it, a removal), so it is left alone for a person to look at.
    /// </summary>
    internal static RepairRefusedException? RefusalFor(FileStatus status, string path)
    {
        if (status.IsSymbolicLink)
        {
            return new RepairRefusedException(RepairRefusal.SymbolicLink, path, path + " is a symbolic link; repairs never follow or touch links (a link in a mailbox can point anywhere, e.g. at a system file).");
        }

        if (!status.IsRegularFile)
        {
            return new RepairRefusedException(RepairRefusal.NotRegularFile, path, path + " is not a regular file (mode " + Convert.ToString(status.Mode, 8) + "); repairs only touch regular files.");
        }

        if (status.LinkCount > 1)
        {
            return new RepairRefusedException(RepairRefusal.HardLinked, path, path + " has " + status.LinkCount + " hard links (inode " + status.Inode + "); changing it would change the other names too, and replacing or removing it would leave them as they are, so it is left alone (find the other names with: find / -xdev -samefile " + path + ").");
        }

        return null;
    }

    private static void EnsureUnchanged(MailboxDirectory directory, string name, FileStatus original)
    {
        FileStatus? now = directory.Stat(name);
        if (now == null || !now.SameFileAndContent(original))
        {
            throw Changed(directory.PathOf(name), original, now);
        }

        if (RefusalFor(now, directory.PathOf(name)) is { } refused)
        {
            throw refused;
        }
    }

    private static RepairRefusedException Changed(string path, FileStatus original, FileStatus? now) =>
        new(RepairRefusal.ChangedDuringRepair, path, path + " changed after it was quarantined (" + original + " -> " + (now?.ToString() ?? "gone") + "); left as it is.");

    private static void SetOwnerAndMode(SafeFileHandle handle, FileStatus original, string path)
    {
        if (MailboxDirectory.OnDescriptor(handle, fd => Libc.fchown(fd, original.Uid, original.Gid)) < 0)
        {
            int errno = Libc.LastErrno;
            throw new RepairRefusedException(RepairRefusal.QuarantineFailed, path, "cannot give " + path + " the owner of the file it replaces (" + original.Uid + ":" + original.Gid + "): " + Libc.Describe(errno) + " (errno " + errno + ").");
        }

        Must(MailboxDirectory.OnDescriptor(handle, fd => Libc.fchmod(fd, original.Permissions)), "fchmod", path);
    }

    private static void TryUnlink(MailboxDirectory directory, string name)
    {
        try
        {
            directory.Unlink(name);
        }
        catch (IOException)
        {
            // the next repair removes it (RemoveStaleTemporaries) once this process is gone
        }
        catch (UnauthorizedAccessException)
        {
            // likewise
        }
    }

    private static void Must(int result, string call, string path)
    {
        if (result < 0)
        {
            throw Libc.Failure(call, path, Libc.LastErrno);
        }
    }
}
