using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;
using MailStorage.Core.Locking;
using MailStorage.Core.Reporting;

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
    public ResolvedMailLocation(string format, string root, string? indexRoot, string? controlRoot, string? listIndexPath = null, bool fsLayout = false)
    {
        Format = format;
        FsLayout = fsLayout;
        Root = root;
        IndexRoot = indexRoot;
        ControlRoot = controlRoot;
        ListIndexPath = listIndexPath ?? Path.Combine(indexRoot ?? root, DovecotFileNames.ListIndex);
    }

    /// <summary>The format (maildir).</summary>
    public string Format { get; }

    /// <summary>LAYOUT=fs: mailboxes are nested folders named as the mailbox levels, not Maildir++'s <c>.A.B</c>.</summary>
    public bool FsLayout { get; }

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
    public static IReadOnlyList<MailboxLocation> List(string mailRoot, string? indexRoot = null, string? controlRoot = null, IActivityLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(mailRoot);
        mailRoot = Path.GetFullPath(mailRoot);
        if (!Directory.Exists(mailRoot))
        {
            throw new DirectoryNotFoundException("The mail root '" + mailRoot + "' does not exist.");
        }

        log?.Write("Listing " + mailRoot + " (Maildir++: INBOX and its .Folder directories)");
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
                log?.Write("Skipped " + dir + ": not a Maildir++ folder name");
                continue;
            }

            // A folder of Maildir++ is a directory with cur/ (Dovecot also lists one without, as \NoSelect).
            if (!Directory.Exists(Path.Combine(dir, "cur")))
            {
                log?.Write("Skipped " + dir + ": no cur/ (\\NoSelect to Dovecot)");
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
        if (Present(location.IndexDirectory, DovecotFileNames.Index) || Present(location.IndexDirectory, DovecotFileNames.IndexLog) ||
            Present(location.ControlDirectory, DovecotFileNames.UidList) ||
            mailFolders.Any(folder => Directory.Exists(Path.Combine(location.MailDirectory, folder))))
        {
            return null;
        }

        var lookedFor = new List<string> { "dovecot.index or dovecot.index.log in " + location.IndexDirectory };
        lookedFor.Add("dovecot-uidlist in " + location.ControlDirectory);
        lookedFor.Add(string.Join(" or ", mailFolders.Select(f => f + "/")) + " in " + location.MailDirectory);
        return "'" + location.IndexDirectory + "' is not a Dovecot mailbox: found none of " + string.Join(", ", lookedFor) + ".";
    }

    /// <summary>Why the mail root <paramref name="mailRoot"/> holds no mailbox at all (<see cref="List(string, string?, string?, IActivityLog?)"/> found none).</summary>
    public static string NoMailboxIn(string mailRoot) =>
        "'" + mailRoot + "' is not a Dovecot mail root: no mailbox in it (its INBOX has none of dovecot.index, dovecot.index.log, dovecot-uidlist, cur/ or new/, and no .Name folder has cur/).";

    /// <summary>The mailboxes of a parsed mail_location.</summary>
    public static IReadOnlyList<MailboxLocation> List(ResolvedMailLocation location, IActivityLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!string.Equals(location.Format, "maildir", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException("Only maildir mail_location is supported, not '" + location.Format + "'.");
        }

        return location.FsLayout
            ? FsLayout.List(location.Root, location.IndexRoot, location.ControlRoot, log)
            : List(location.Root, location.IndexRoot, location.ControlRoot, log);
    }

    /// <summary>
    /// Reads the mailbox list index at <paramref name="listIndexPath"/> (dovecot.list.index, with its logs), or returns
    /// null when Dovecot has written none there (mailbox_list_index = no, or no folder created yet).
    /// </summary>
    public static MailboxListIndex? ReadListIndex(string listIndexPath, IActivityLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(listIndexPath);
        string directory = Path.GetDirectoryName(listIndexPath) ?? ".";
        string file = Path.GetFileName(listIndexPath);
        if (!File.Exists(listIndexPath) && !File.Exists(listIndexPath + DovecotFileNames.LogSuffix))
        {
            log?.Write("No mailbox list index at " + listIndexPath + ": GUID, UIDVALIDITY and cached counts are left empty");
            return null;
        }

        foreach (string part in new[] { listIndexPath, listIndexPath + DovecotFileNames.LogSuffix }.Where(File.Exists))
        {
            log?.Write("Reading " + ActivityLog.Describe(part));
        }

        // The module names levels with '/', as List() does; the stored (modified UTF-7) names match folder names.
        return MailboxListIndex.Read(directory, '/', file);
    }

    /// <summary>
    /// How many messages <paramref name="mailbox"/>'s own index holds (dovecot.index with its logs replayed), for a
    /// mailbox whose count the list index does not cache: Dovecot never caches INBOX's there by default
    /// (mailbox_list_index_include_inbox = no). Null when the mailbox has no index yet.
    /// </summary>
    public static int? CountMessages(MailboxLocation mailbox, IActivityLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        string index = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.Index);
        string[] files = new[] { index, index + DovecotFileNames.Log2Suffix, index + DovecotFileNames.LogSuffix }.Where(File.Exists).ToArray();
        if (files.Length == 0)
        {
            log?.Write(mailbox.Name + ": no index in " + mailbox.IndexDirectory + " yet, so no message count");
            return null;
        }

        log?.Write(mailbox.Name + ": the list index has no count; reading " + string.Join(", ", files.Select(ActivityLog.Describe)));
        return IndexMap.Load(mailbox.IndexDirectory).MessagesCount;
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
    /// <exception cref="ArgumentException">A user name Dovecot would refuse, or one that would lead out of the mail tree.</exception>
    public static ResolvedMailLocation Resolve(DovecotConfig config, string user)
    {
        ArgumentNullException.ThrowIfNull(config);
        MailUserName.Check(user, config.GetValue("auth_username_chars"));
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
        string? layout = parsed.Parameter("LAYOUT");
        if (layout != null && layout != "fs" && layout != "maildir++")
        {
            throw new FormatException("mail_location LAYOUT=" + layout + " is not supported here (only maildir++ and fs).");
        }

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

        return new ResolvedMailLocation(format.ToLowerInvariant(), root, index, control, listIndex, layout == "fs");
    }

    /// <summary>
    /// Expands Dovecot's %-variables (%u %n %d %h, their %{long} names, widths, offsets and modifiers such as %Lu
    /// and %2.1n) as <see cref="MailVariables.Expand"/> does; a variable that cannot be told here is a FormatException.
    /// </summary>
    public static string Expand(string value, string user, string home) => MailVariables.Expand(value, user, home);

    private static string ExpandPath(string value, string user, string home)
    {
        string expanded = Expand(value, user, home);
        MailUserName.CheckExpanded(value, expanded, user);
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

    internal static MailboxLocation Locate(string name, string maildirpp, string mailDir, string? indexRoot, string? controlRoot)
    {
        string index = indexRoot == null ? mailDir : System.IO.Path.Combine(indexRoot, maildirpp);
        string control = controlRoot == null ? mailDir : System.IO.Path.Combine(controlRoot, maildirpp);
        return new MailboxLocation(name, mailDir, index, control, "maildir");
    }
}
