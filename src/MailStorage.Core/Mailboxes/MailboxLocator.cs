using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;
using MailStorage.Core.Locking;

namespace MailStorage.Core.Mailboxes;

/// <summary>Where one mailbox keeps its mail, its index and its control files (dovecot-uidlist, dovecot-keywords).</summary>
public sealed class MailboxLocation
{
    /// <summary>Creates a location.</summary>
    public MailboxLocation(string name, string mailDirectory, string indexDirectory, string controlDirectory, string format)
    {
        Name = name;
        MailDirectory = mailDirectory;
        IndexDirectory = indexDirectory;
        ControlDirectory = controlDirectory;
        Format = format;
    }

    /// <summary>The mailbox name with '/' as hierarchy separator, as stored on disk (modified UTF-7): INBOX, Sent, A/B.</summary>
    public string Name { get; }

    /// <summary>The name as IMAP clients show it: <see cref="Name"/> with each level decoded from modified UTF-7.</summary>
    public string DisplayName => string.Join('/', Name.Split('/').Select(ModifiedUtf7.Decode));

    /// <summary>What the mailbox list index says about this mailbox (GUID, UIDVALIDITY, cached STATUS), or null.</summary>
    public MailboxListEntry? ListEntry { get; internal set; }

    /// <summary>The Maildir (cur/, new/, tmp/).</summary>
    public string MailDirectory { get; }

    /// <summary>Where dovecot.index* are.</summary>
    public string IndexDirectory { get; }

    /// <summary>Where dovecot-uidlist and dovecot-keywords are.</summary>
    public string ControlDirectory { get; }

    /// <summary>The mailbox format ("maildir").</summary>
    public string Format { get; }
}

/// <summary>A parsed mail_location: format, root and the INDEX= / CONTROL= directories, variables already expanded.</summary>
public sealed class ResolvedMailLocation
{
    /// <summary>Creates a location.</summary>
    public ResolvedMailLocation(string format, string root, string? indexRoot, string? controlRoot, string? listIndexPath = null)
    {
        Format = format;
        Root = root;
        IndexRoot = indexRoot;
        ControlRoot = controlRoot;
        ListIndexPath = listIndexPath ?? Path.Combine(indexRoot ?? root, MailboxListIndex.DefaultFileName);
    }

    /// <summary>The format (maildir).</summary>
    public string Format { get; }

    /// <summary>The mail root (INBOX of Maildir++).</summary>
    public string Root { get; }

    /// <summary>INDEX=, or null.</summary>
    public string? IndexRoot { get; }

    /// <summary>CONTROL=, or null.</summary>
    public string? ControlRoot { get; }

    /// <summary>The mailbox list index: LISTINDEX= (a file name, or a path relative to the index root), by default dovecot.list.index in the index root.</summary>
    public string ListIndexPath { get; }
}

/// <summary>
/// Lists the mailboxes of a Maildir++ mail root: INBOX is the root itself, every other mailbox a folder
/// <c>.Name</c> (hierarchy <c>.A.B</c>) holding cur/. With INDEX= or CONTROL=, a mailbox's index (control) files
/// are at <c>&lt;dir&gt;/.&lt;name&gt;</c>, INBOX's at <c>&lt;dir&gt;/.INBOX</c>, as Dovecot 2.3 lays them out.
/// </summary>
public static class MailboxLocator
{
    /// <summary>The mailboxes under <paramref name="mailRoot"/>, INBOX first, the others ordinally by name.</summary>
    public static IReadOnlyList<MailboxLocation> List(string mailRoot, string? indexRoot = null, string? controlRoot = null)
    {
        ArgumentNullException.ThrowIfNull(mailRoot);
        mailRoot = Path.GetFullPath(mailRoot);
        if (!Directory.Exists(mailRoot))
        {
            throw new DirectoryNotFoundException("The mail root '" + mailRoot + "' does not exist.");
        }

        // The root is INBOX only when Dovecot made it a mailbox: /etc (or a typo) must not list as one sound mailbox.
        var result = new List<MailboxLocation>();
        MailboxLocation inbox = Locate("INBOX", ".INBOX", mailRoot, indexRoot, controlRoot);
        if (WhyNotAMailbox(inbox) == null)
        {
            result.Add(inbox);
        }

        var folders = new List<(string Name, string Dir, string Maildirpp)>();
        foreach (string dir in Directory.EnumerateDirectories(mailRoot, ".*"))
        {
            string leaf = Path.GetFileName(dir);
            if (leaf is "." or ".." || leaf.Length < 2 || leaf.Contains("..", StringComparison.Ordinal) || leaf.EndsWith('.'))
            {
                continue;
            }

            // A folder of Maildir++ is a directory with cur/ (Dovecot also lists one without, as \NoSelect).
            if (!Directory.Exists(Path.Combine(dir, "cur")))
            {
                continue;
            }

            string name = leaf.Substring(1).Replace('.', '/');
            folders.Add((name, dir, leaf));
        }

        foreach (var folder in folders.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            result.Add(Locate(folder.Name, folder.Maildirpp, folder.Dir, indexRoot, controlRoot));
        }

        return result;
    }

    /// <summary>
    /// Why <paramref name="location"/> is not a Dovecot mailbox (a message naming what was looked for and where), or
    /// null when it is one: it has dovecot.index or dovecot.index.log in its index folder, dovecot-uidlist in its
    /// control folder, or mail folders in its mail folder (Maildir's cur/ or new/; dbox-Mails/ for sdbox and mdbox).
    /// A Maildir Dovecot created but has not opened yet (cur/ new/ tmp/, no index) is a mailbox. Every cmdlet that
    /// takes a mailbox asks this, so a wrong path is an error instead of an empty, "sound" mailbox. A name that is a
    /// symbolic link counts as present (a planted link is reported by verification and refused by repair).
    /// </summary>
    public static string? WhyNotAMailbox(MailboxLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        bool dbox = location.Format.ToUpperInvariant() is "SDBOX" or "MDBOX" or "DBOX";
        string[] mailFolders = dbox ? new[] { "dbox-Mails" } : new[] { "cur", "new" };
        if (Present(location.IndexDirectory, "dovecot.index") || Present(location.IndexDirectory, MailboxLock.IndexLogName) ||
            Present(location.ControlDirectory, MailboxLock.UidListName) ||
            mailFolders.Any(folder => Directory.Exists(Path.Combine(location.MailDirectory, folder))))
        {
            return null;
        }

        var lookedFor = new List<string> { "dovecot.index or dovecot.index.log in " + location.IndexDirectory };
        lookedFor.Add("dovecot-uidlist in " + location.ControlDirectory);
        lookedFor.Add(string.Join(" or ", mailFolders.Select(f => f + "/")) + " in " + location.MailDirectory);
        return "'" + location.IndexDirectory + "' is not a Dovecot mailbox: found none of " + string.Join(", ", lookedFor) + ".";
    }

    /// <summary>Why the mail root <paramref name="mailRoot"/> holds no mailbox at all (<see cref="List(string, string?, string?)"/> found none).</summary>
    public static string NoMailboxIn(string mailRoot) =>
        "'" + mailRoot + "' is not a Dovecot mail root: no mailbox in it (its INBOX has none of dovecot.index, dovecot.index.log, dovecot-uidlist, cur/ or new/, and no .Name folder has cur/).";

    /// <summary>The mailboxes of a parsed mail_location.</summary>
    public static IReadOnlyList<MailboxLocation> List(ResolvedMailLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!string.Equals(location.Format, "maildir", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException("Only maildir mail_location is supported, not '" + location.Format + "'.");
        }

        return List(location.Root, location.IndexRoot, location.ControlRoot);
    }

    /// <summary>
    /// Reads the mailbox list index at <paramref name="listIndexPath"/> (dovecot.list.index, with its logs), or returns
    /// null when Dovecot has written none there (mailbox_list_index = no, or no folder created yet).
    /// </summary>
    public static MailboxListIndex? ReadListIndex(string listIndexPath)
    {
        ArgumentNullException.ThrowIfNull(listIndexPath);
        string directory = Path.GetDirectoryName(listIndexPath) ?? ".";
        string file = Path.GetFileName(listIndexPath);
        if (!File.Exists(listIndexPath) && !File.Exists(listIndexPath + ".log"))
        {
            return null;
        }

        // The module names levels with '/', as List() does; the stored (modified UTF-7) names match folder names.
        return MailboxListIndex.Read(directory, '/', file);
    }

    /// <summary>Gives each location the list index entry of the same (stored) name.</summary>
    public static void AttachListIndex(IEnumerable<MailboxLocation> locations, MailboxListIndex list)
    {
        ArgumentNullException.ThrowIfNull(locations);
        ArgumentNullException.ThrowIfNull(list);
        var byName = new Dictionary<string, MailboxListEntry>(StringComparer.Ordinal);
        foreach (MailboxListEntry entry in list.Mailboxes)
        {
            byName.TryAdd(entry.RawName, entry);
        }

        foreach (MailboxLocation location in locations)
        {
            location.ListEntry = byName.GetValueOrDefault(location.Name);
        }
    }

    /// <summary>The mailboxes of <paramref name="user"/> (user or user@domain) under <paramref name="config"/>'s mail_location.</summary>
    public static IReadOnlyList<MailboxLocation> List(DovecotConfig config, string user) => List(Resolve(config, user));

    /// <summary>Expands mail_location (and mail_home for ~) of <paramref name="config"/> for <paramref name="user"/> and parses it.</summary>
    public static ResolvedMailLocation Resolve(DovecotConfig config, string user)
    {
        ArgumentNullException.ThrowIfNull(config);
        string location = config.GetValue("mail_location") ?? string.Empty;
        string home = config.GetValue("mail_home") ?? string.Empty;
        return Parse(location, user, home);
    }

    /// <summary>
    /// Parses <c>format:path[:KEY=value...]</c> after expanding %u %n %d %h (and their %{user} forms) and a leading ~
    /// (<paramref name="home"/>, itself expanded) in every path.
    /// </summary>
    public static ResolvedMailLocation Parse(string mailLocation, string user, string? home)
    {
        ArgumentNullException.ThrowIfNull(mailLocation);
        ArgumentNullException.ThrowIfNull(user);
        string expandedHome = string.IsNullOrEmpty(home) ? string.Empty : Expand(home, user, string.Empty);
        if (string.IsNullOrWhiteSpace(mailLocation))
        {
            throw new FormatException("mail_location is empty: Dovecot would autodetect the mail location; give -Path instead.");
        }

        var parsed = MailLocation.Parse(mailLocation);
        string format = parsed.Driver ?? "maildir";
        string root = ExpandPath(parsed.Root, user, expandedHome);
        string? rawIndex = parsed.Parameter("INDEX");
        string? rawControl = parsed.Parameter("CONTROL");
        string? index = string.IsNullOrEmpty(rawIndex) || rawIndex == "MEMORY" ? null : ExpandPath(rawIndex, user, expandedHome);
        string? control = string.IsNullOrEmpty(rawControl) ? null : ExpandPath(rawControl, user, expandedHome);

        // LISTINDEX=name, or dir/name with dir absolute or relative to the index root (mailbox-list.c).
        string? rawList = parsed.Parameter("LISTINDEX");
        string? listIndex = null;
        if (!string.IsNullOrEmpty(rawList))
        {
            string expanded = ExpandPath(rawList, user, expandedHome);
            listIndex = expanded.StartsWith('/') ? expanded : Path.Combine(index ?? root, expanded);
        }

        return new ResolvedMailLocation(format.ToLowerInvariant(), root, index, control, listIndex);
    }

    /// <summary>Expands %u %n %d %h %% and %{user} %{username} %{domain} %{home}; %Lu and similar modifiers lower-case.</summary>
    public static string Expand(string value, string user, string home)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(user);
        int at = user.IndexOf('@', StringComparison.Ordinal);
        string userName = at < 0 ? user : user.Substring(0, at);
        string domain = at < 0 ? string.Empty : user.Substring(at + 1);
        var sb = new StringBuilder(value.Length + 16);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c != '%' || i + 1 >= value.Length)
            {
                sb.Append(c);
                continue;
            }

            i++;
            bool lower = false;
            if (value[i] == 'L' && i + 1 < value.Length)
            {
                lower = true;
                i++;
            }

            string? expanded;
            if (value[i] == '{')
            {
                int close = value.IndexOf('}', i);
                if (close < 0)
                {
                    sb.Append('%').Append(value, i, value.Length - i);
                    break;
                }

                string key = value.Substring(i + 1, close - i - 1);
                i = close;
                expanded = key switch
                {
                    "user" => user,
                    "username" => userName,
                    "domain" => domain,
                    "home" => home,
                    _ => null,
                };
                expanded ??= "%{" + key + "}";
            }
            else
            {
                expanded = value[i] switch
                {
                    'u' => user,
                    'n' => userName,
                    'd' => domain,
                    'h' => home,
                    '%' => "%",
                    _ => "%" + value[i],
                };
            }

            sb.Append(lower ? expanded.ToLowerInvariant() : expanded);
        }

        return sb.ToString();
    }

    private static string ExpandPath(string value, string user, string home)
    {
        string expanded = Expand(value, user, home);
        if (expanded == "~" || expanded.StartsWith("~/", StringComparison.Ordinal))
        {
            if (home.Length == 0)
            {
                throw new FormatException("mail_location uses ~ but mail_home is not set; the user's home comes from the userdb.");
            }

            expanded = string.Concat(home, expanded.AsSpan(1));
        }

        return expanded;
    }

    /// <summary>Whether <paramref name="name"/> is in <paramref name="directory"/> (lstat: a link counts; a name that cannot be looked at counts, so its read fails with the real error).</summary>
    private static bool Present(string directory, string name)
    {
        if (Libc.lstat(Path.Combine(directory, name), out _) == 0)
        {
            return true;
        }

        return Libc.LastErrno is not (Libc.ENOENT or Libc.ENOTDIR);
    }

    private static MailboxLocation Locate(string name, string maildirpp, string mailDir, string? indexRoot, string? controlRoot)
    {
        string index = indexRoot == null ? mailDir : System.IO.Path.Combine(indexRoot, maildirpp);
        string control = controlRoot == null ? mailDir : System.IO.Path.Combine(controlRoot, maildirpp);
        return new MailboxLocation(name, mailDir, index, control, "maildir");
    }
}
