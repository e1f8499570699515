using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Reporting;

namespace MailStorage.Core.Mailboxes;

/// <summary>
/// Dovecot's LAYOUT=fs for Maildir: INBOX is the mail root itself and every other mailbox a folder named as its levels,
/// nested (<c>A/B</c> is <c>&lt;root&gt;/A/B</c>), with no leading dot. With INDEX= or CONTROL=, a mailbox's files are at
/// <c>&lt;dir&gt;/&lt;name&gt;</c>, INBOX's at <c>&lt;dir&gt;/INBOX</c> (as <c>doveadm mailbox path</c> prints them).
/// </summary>
internal static class FsLayout
{
    // A Maildir's own folders, never mailboxes.
    private static readonly string[] MaildirFolders = { "cur", "new", "tmp" };

    /// <summary>The mailboxes under <paramref name="mailRoot"/>, INBOX first, the others ordinally by name.</summary>
    internal static IReadOnlyList<MailboxLocation> List(string mailRoot, string? indexRoot, string? controlRoot, IActivityLog? log = null)
    {
        mailRoot = Path.GetFullPath(mailRoot);
        if (!Directory.Exists(mailRoot))
        {
            throw new DirectoryNotFoundException("The mail root '" + mailRoot + "' does not exist.");
        }

        log?.Write("Listing " + mailRoot + " (LAYOUT=fs: nested folders)");
        var folders = new List<(string Name, string Dir)>();
        Walk(mailRoot, string.Empty, folders, log);
        var result = new List<MailboxLocation> { MailboxLocator.Locate("INBOX", "INBOX", mailRoot, indexRoot, controlRoot) };
        foreach (var folder in folders.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            result.Add(MailboxLocator.Locate(folder.Name, folder.Name, folder.Dir, indexRoot, controlRoot));
        }

        return result;
    }

    private static void Walk(string dir, string prefix, List<(string Name, string Dir)> folders, IActivityLog? log)
    {
        foreach (string sub in Directory.EnumerateDirectories(dir))
        {
            string leaf = Path.GetFileName(sub);
            // Every level is a Maildir of its own (Dovecot refuses mailboxes named cur, new or tmp here).
            if (Array.IndexOf(MaildirFolders, leaf) >= 0)
            {
                continue;
            }

            // Dovecot hides dot-folders in this layout; our quarantine and other tools' folders are no mailboxes either.
            if (leaf.StartsWith('.'))
            {
                log?.Write("Skipped " + sub + ": a hidden folder, not a mailbox in LAYOUT=fs");
                continue;
            }

            // A symlinked folder is not followed: a planted link must not lead a repair out of the tree.
            if (new DirectoryInfo(sub).LinkTarget != null)
            {
                log?.Write("Skipped " + sub + ": a symbolic link, not followed");
                continue;
            }

            string name = prefix.Length == 0 ? leaf : prefix + "/" + leaf;
            if (Directory.Exists(Path.Combine(sub, "cur")))
            {
                folders.Add((name, sub));
            }
            else
            {
                log?.Write("Skipped " + sub + ": no cur/ (a parent level, \\NoSelect to Dovecot)");
            }

            Walk(sub, name, folders, log);
        }
    }
}
