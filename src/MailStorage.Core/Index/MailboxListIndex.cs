using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Index;

/// <summary>
/// What the list index says about a mailbox, kept in its record's flags byte (<c>enum mailbox_list_index_flags</c>,
/// which reuses the message flag bits).
/// </summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Dovecot's own name: enum mailbox_list_index_flags.")]
public enum MailboxListFlags
{
    /// <summary>A selectable mailbox.</summary>
    None = 0,

    /// <summary>\NoInferiors (MAIL_ANSWERED).</summary>
    NoInferiors = 0x01,

    /// <summary>Set while a sync walks the folders (MAIL_FLAGGED); not meaningful on disk.</summary>
    SyncExists = 0x02,

    /// <summary>\NonExistent (MAIL_DELETED): a level of a name that exists only as a parent.</summary>
    NonExistent = 0x04,

    /// <summary>The name was corrupted and replaced (MAIL_SEEN).</summary>
    CorruptedName = 0x08,

    /// <summary>\NoSelect (MAIL_DRAFT): a directory without mail.</summary>
    NoSelect = 0x10,
}

/// <summary>
/// STATUS values the list index caches for a mailbox (<c>struct mailbox_list_index_msgs_record</c>), written when
/// Dovecot syncs the mailbox. Dovecot uses them only while the mailbox's files have not changed since
/// (see <see cref="MailboxListEntry.IsStatusCurrent"/>).
/// </summary>
public sealed record MailboxListStatus(uint Messages, uint Unseen, uint Recent, uint UidNext);

/// <summary>One mailbox of <c>dovecot.list.index</c>.</summary>
public sealed class MailboxListEntry
{
    internal MailboxListEntry(uint uid, MailboxListFlags flags, uint nameId, uint parentUid, string leafName)
    {
        Uid = uid;
        Flags = flags;
        NameId = nameId;
        ParentUid = parentUid;
        LeafName = leafName;
        Name = leafName;
        RawName = leafName;
    }

    /// <summary>The record's UID: it names the mailbox's place in the tree, not the mailbox (a recreated mailbox keeps it).</summary>
    public uint Uid { get; }

    /// <summary>
    /// The full name as IMAP clients and doveadm show it: levels decoded from modified UTF-7 and joined with the separator
    /// the list index was read with.
    /// </summary>
    public string Name { get; internal set; }

    /// <summary>The full name as stored (levels not decoded; Maildir++ folder names on disk are these with '.').</summary>
    public string RawName { get; internal set; }

    /// <summary>This level's name as stored (the header's name for <see cref="NameId"/>).</summary>
    public string LeafName { get; }

    /// <summary>How deep in the tree (0 = top level).</summary>
    public int Level { get; internal set; }

    /// <summary>The parent's record UID (0 = top level).</summary>
    public uint ParentUid { get; internal set; }

    /// <summary>The id of <see cref="LeafName"/> in the list header.</summary>
    public uint NameId { get; }

    /// <summary>The flags.</summary>
    public MailboxListFlags Flags { get; }

    /// <summary>Whether the mailbox can hold mail (neither \NonExistent nor \NoSelect).</summary>
    public bool IsSelectable => (Flags & (MailboxListFlags.NonExistent | MailboxListFlags.NoSelect)) == 0;

    /// <summary>The mailbox GUID (null when unknown: not yet looked up, or not selectable).</summary>
    public Guid? Guid { get; internal set; }

    /// <summary>The mailbox GUID as Dovecot prints it (32 hex digits), or null.</summary>
    public string? GuidText => Guid?.ToString("N");

    /// <summary>UIDVALIDITY (0 = unknown).</summary>
    public uint UidValidity { get; internal set; }

    /// <summary>The cached message counts, or null when none were written (INBOX, by default, never has them).</summary>
    public MailboxListStatus? Status { get; internal set; }

    /// <summary>The cached HIGHESTMODSEQ, or null.</summary>
    public ulong? HighestModseq { get; internal set; }

    // The fields below are null when the list index has no such extension; an extension that exists reads as zeros
    // for a mailbox it was never written for, as Dovecot reads it.

    /// <summary>The cached virtual size (<c>vsize</c> extension: size, highest UID and message count it was computed for), or null.</summary>
    public (ulong Size, uint HighestUid, uint MessageCount)? VirtualSize { get; internal set; }

    /// <summary>The cached first save date (<c>1saved</c> extension: UID and unix time), or null.</summary>
    public (uint Uid, uint Timestamp)? FirstSaved { get; internal set; }

    /// <summary>Size (low 32 bits) of the mailbox's dovecot.index.log when the status was cached (<c>index sync</c> extension), or null.</summary>
    public uint? SyncedLogSize { get; internal set; }

    /// <summary>Modification time (unix, low 32 bits) of that log, or null.</summary>
    public uint? SyncedLogMtime { get; internal set; }

    /// <summary>new/ and cur/ modification times when the status was cached (<c>maildir</c> extension; 0 = not clean), or null.</summary>
    public (uint NewMtime, uint CurMtime)? MaildirMtimes { get; internal set; }

    /// <summary>
    /// Whether Dovecot would trust <see cref="Status"/> now (index_storage_list_index_has_changed() and
    /// maildir_list_index_has_changed() with default settings): the mailbox's <c>dovecot.index.log</c> has the size and
    /// mtime recorded, and new/ and cur/ the recorded mtimes.
    /// </summary>
    public bool IsStatusCurrent(string indexDirectory, string mailDirectory)
    {
        ArgumentNullException.ThrowIfNull(indexDirectory);
        ArgumentNullException.ThrowIfNull(mailDirectory);
        if (Status == null || SyncedLogSize is not uint size || size == 0 || SyncedLogMtime is not uint mtime || mtime == 0)
        {
            return false;
        }

        var log = new FileInfo(Path.Combine(indexDirectory, DovecotFileNames.IndexLog));
        if (!log.Exists || (uint)(log.Length & 0xffffffff) != size || UnixSeconds(log.LastWriteTimeUtc) != mtime)
        {
            return false;
        }

        if (MaildirMtimes is not var (newMtime, curMtime) || newMtime == 0 || curMtime == 0)
        {
            return false;
        }

        var newDir = new DirectoryInfo(Path.Combine(mailDirectory, "new"));
        var curDir = new DirectoryInfo(Path.Combine(mailDirectory, "cur"));
        return newDir.Exists && curDir.Exists && UnixSeconds(newDir.LastWriteTimeUtc) == newMtime && UnixSeconds(curDir.LastWriteTimeUtc) == curMtime;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static uint UnixSeconds(DateTime utc) => (uint)(new DateTimeOffset(utc).ToUnixTimeSeconds() & 0xffffffff);
}

/// <summary>
/// A parsed mailbox list index (<c>dovecot.list.index</c> with its <c>.log</c>, mailbox-list-index.c): a mail index
/// whose records are mailboxes. The <c>list</c> extension header maps name ids to the names of single levels; each
/// record's <c>list</c> field holds name id, parent UID, GUID and UIDVALIDITY; <c>msgs</c>, <c>hmodseq</c>,
/// <c>vsize</c>, <c>1saved</c>, <c>index sync</c> and <c>maildir</c> cache STATUS and freshness data. Damage is
/// reported as <see cref="IndexProblem"/>s worded like Dovecot's, never thrown.
/// </summary>
public sealed class MailboxListIndex
{
    private const string ListExtension = "list";
    private const int ListRecordSize = 28;

    /// <summary>MAILBOX_LIST_NAME_MAX_LENGTH: no mailbox name is longer.</summary>
    private const int MaxNameLength = 4096;
    private readonly List<MailboxListEntry> mailboxes = new();
    private readonly List<IndexProblem> problems = new();
    private readonly Dictionary<uint, string> names = new();

    private MailboxListIndex(IndexMap map, string file, char separator)
    {
        Map = map;
        File = file;
        Separator = separator;
    }

    /// <summary>The index file (problems of the list itself are reported against it).</summary>
    public string File { get; }

    /// <summary>The hierarchy separator used to join levels into <see cref="MailboxListEntry.Name"/>.</summary>
    public char Separator { get; }

    /// <summary>The replayed index underneath, for raw access to extensions.</summary>
    public IndexMap Map { get; }

    /// <summary>The mailboxes in Dovecot's listing order (depth first; siblings newest record first).</summary>
    public IReadOnlyList<MailboxListEntry> Mailboxes => mailboxes;

    /// <summary>
    /// The list header's refresh flag: someone changed the folders and asked for a resync, so Dovecot does not trust
    /// the list until it has walked the folders again.
    /// </summary>
    public bool NeedsRefresh { get; private set; }

    /// <summary>Problems of the index files and of the list structure.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>
    /// Reads <c>dovecot.list.index</c> and its logs from <paramref name="directory"/> (the mail root, or the INDEX= root),
    /// joining levels with <paramref name="separator"/> (Maildir++ stores '.', the module shows '/').
    /// </summary>
    public static MailboxListIndex Read(string directory, char separator = '/', string fileName = DovecotFileNames.ListIndex)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(fileName);
        return FromMap(IndexMap.Load(directory, fileName), Path.Combine(directory, fileName), separator);
    }

    /// <summary>Builds the mailbox tree from a replayed list index.</summary>
    public static MailboxListIndex FromMap(IndexMap map, string file, char separator = '/')
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(file);
        var list = new MailboxListIndex(map, file, separator);
        list.Parse();
        return list;
    }

    /// <summary>The mailbox called <paramref name="name"/> (levels joined with <see cref="Separator"/>), or null.</summary>
    public MailboxListEntry? Find(string name)
    {
        foreach (MailboxListEntry entry in mailboxes)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }

    private void Problem(string code, string message) => problems.Add(new IndexProblem(File, 0, code, message));

    private void Problem((string File, long Offset) at, string code, string message) => problems.Add(new IndexProblem(at.File, at.Offset, code, message));

    private void Parse()
    {
        problems.AddRange(Map.Problems);
        if ((Map.HeaderFlags & 0x04) != 0)
        {
            Problem("ListIndexFsckd", "Mailbox list index was marked as fsck'd " + File);
        }

        IndexMapExtension? list = Map.FindExtension(ListExtension);
        if (list == null)
        {
            if (Map.MessagesCount > 0)
            {
                Problem("ListIndexMissingExtension", "Corrupted mailbox list index " + File + ": Missing list extension data");
            }

            return;
        }

        ParseHeader(list);
        var nodes = new Dictionary<uint, MailboxListEntry>();
        var order = new List<(MailboxListEntry Entry, (string, long) Source)>();
        foreach (IndexMapRecord record in Map.Records)
        {
            MailboxListEntry entry = ParseRecord(record, list);
            nodes[entry.Uid] = entry;
            order.Add((entry, record.ExtensionSource(list)));
        }

        BuildTree(nodes, order);
    }

    /// <summary>mailbox_list_index_parse_header(): refresh_flag, then {u32 id, NUL-terminated name} with ascending ids, 0 ends.</summary>
    private void ParseHeader(IndexMapExtension list)
    {
        ReadOnlySpan<byte> written = list.Header;
        if (list.HeaderSize == 0)
        {
            return;
        }

        // In an index file the header's own bytes are at hand; from a log, the record that wrote it is.
        bool inIndexFile = string.Equals(list.HeaderFile, Map.IndexFileName, StringComparison.Ordinal);
        (string, long) At(int i) => (list.HeaderFile, list.HeaderOffset + (inIndexFile ? i : 0));

        // The declared header is zero past what was written; a few zero bytes are enough to end the walk.
        int size = (int)Math.Min(list.HeaderSize, (uint)written.Length + 8);
        var data = new byte[size];
        written.CopyTo(data);
        NeedsRefresh = data[0] != 0;
        uint previous = 0;
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (int i = 1; i < size;)
        {
            if (i + 4 > size)
            {
                Problem(At(i), "ListIndexHeaderCorrupted", "Corrupted mailbox list index header " + File + ": name id at " + N(i) + " cut off");
                return;
            }

            uint id = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(i));
            i += 4;
            if (id <= previous)
            {
                if (id != 0)
                {
                    Problem(At(i - 4), "ListIndexHeaderCorrupted", "Corrupted mailbox list index header " + File + ": name id " + N(id) + " after " + N(previous));
                }

                return;
            }

            previous = id;
            int end = Array.IndexOf(data, (byte)0, i);
            if (end < 0)
            {
                Problem(At(i), "ListIndexHeaderCorrupted", "Corrupted mailbox list index header " + File + ": name of id " + N(id) + " not terminated");
                return;
            }

            string name;
            try
            {
                name = utf8.GetString(data, i, end - i);
            }
            catch (DecoderFallbackException)
            {
                // Dovecot repairs the name the same way: invalid sequences become U+FFFD.
                name = Encoding.UTF8.GetString(data, i, end - i);
                Problem(At(i), "ListIndexHeaderCorrupted", "Corrupted mailbox list index header " + File + ": name of id " + N(id) + " is not valid UTF-8");
            }

            names[id] = name;
            i = end + 1;
        }
    }

    private MailboxListEntry ParseRecord(IndexMapRecord record, IndexMapExtension list)
    {
        uint nameId = record.ExtensionUInt32(list, 0);
        uint parentUid = record.ExtensionUInt32(list, 4);
        if (!names.TryGetValue(nameId, out string? leaf))
        {
            Problem(record.ExtensionSource(list), "ListIndexNameIdUnknown", "Corrupted mailbox list index " + File + ": name_id=" + N(nameId) + " not in index header (uid=" + N(record.Uid) + ")");
            leaf = "unknown-" + N(record.Uid);
        }

        var entry = new MailboxListEntry(record.Uid, (MailboxListFlags)(byte)record.Flags, nameId, parentUid, leaf);
        ReadOnlySpan<byte> field = record.Extension(list);
        if (field.Length >= 24 && field.Slice(8, 16).IndexOfAnyExcept((byte)0) >= 0)
        {
            entry.Guid = new Guid(field.Slice(8, 16), bigEndian: true);
        }

        entry.UidValidity = field.Length >= ListRecordSize ? record.ExtensionUInt32(list, 24) : 0;
        if (Map.FindExtension("msgs") is { } msgs && record.ExtensionUInt32(msgs, 12) != 0)
        {
            entry.Status = new MailboxListStatus(record.ExtensionUInt32(msgs, 0), record.ExtensionUInt32(msgs, 4), record.ExtensionUInt32(msgs, 8), record.ExtensionUInt32(msgs, 12));
        }

        if (Map.FindExtension("hmodseq") is { } hmodseq && record.ExtensionUInt64(hmodseq, 0) != 0)
        {
            entry.HighestModseq = record.ExtensionUInt64(hmodseq, 0);
        }

        if (Map.FindExtension("vsize") is { } vsize)
        {
            entry.VirtualSize = (record.ExtensionUInt64(vsize, 0), record.ExtensionUInt32(vsize, 8), record.ExtensionUInt32(vsize, 12));
        }

        if (Map.FindExtension("1saved") is { } saved)
        {
            entry.FirstSaved = (record.ExtensionUInt32(saved, 0), record.ExtensionUInt32(saved, 4));
        }

        if (Map.FindExtension("index sync") is { } sync)
        {
            entry.SyncedLogSize = record.ExtensionUInt32(sync, 0);
            entry.SyncedLogMtime = record.ExtensionUInt32(sync, 4);
        }

        if (Map.FindExtension("maildir") is { } maildir)
        {
            entry.MaildirMtimes = (record.ExtensionUInt32(maildir, 0), record.ExtensionUInt32(maildir, 4));
        }

        return entry;
    }

    /// <summary>
    /// mailbox_list_index_parse_records()' second pass: children under parents (a parent may have a higher UID), each
    /// sibling list newest first; broken parents go to the top level, as Dovecot places them.
    /// </summary>
    private void BuildTree(Dictionary<uint, MailboxListEntry> nodes, List<(MailboxListEntry Entry, (string, long) Source)> order)
    {
        var children = new Dictionary<uint, List<MailboxListEntry>>();
        var roots = new List<MailboxListEntry>();
        var seen = new HashSet<(uint Parent, string Name)>();
        var linked = new Dictionary<uint, uint>();
        var sources = new Dictionary<uint, (string, long)>();
        foreach ((MailboxListEntry entry, (string, long) source) in order)
        {
            sources[entry.Uid] = source;
            uint parent = entry.ParentUid;
            if (parent != 0 && !nodes.ContainsKey(parent))
            {
                Problem(source, "ListIndexParentMissing", "Corrupted mailbox list index " + File + ": parent_uid=" + N(parent) + " points to nonexistent record");
                parent = 0;
            }
            else if (parent != 0 && Loops(linked, parent, entry.Uid))
            {
                Problem(source, "ListIndexParentLoop", "Corrupted mailbox list index " + File + ": parent_uid=" + N(entry.Uid) + " loops to node itself (" + entry.LeafName + ")");
                parent = 0;
            }

            entry.ParentUid = parent;
            linked[entry.Uid] = parent;
            if (!seen.Add((parent, entry.LeafName)))
            {
                Problem(source, "ListIndexDuplicate", "Corrupted mailbox list index " + File + ": Duplicate mailbox '" + entry.LeafName + "' in index");
            }

            if (parent == 0)
            {
                roots.Add(entry);
            }
            else
            {
                if (!children.TryGetValue(parent, out List<MailboxListEntry>? siblings))
                {
                    siblings = new List<MailboxListEntry>();
                    children[parent] = siblings;
                }

                siblings.Add(entry);
            }
        }

        // Dovecot prepends each node to its siblings: the newest record comes first.
        roots.Reverse();
        foreach (List<MailboxListEntry> siblings in children.Values)
        {
            siblings.Reverse();
        }

        // Depth first without recursion: a damaged file may nest as deep as it has records.
        var stack = new Stack<(MailboxListEntry Entry, MailboxListEntry? Parent)>();
        for (int i = roots.Count - 1; i >= 0; i--)
        {
            stack.Push((roots[i], null));
        }

        while (stack.Count > 0)
        {
            (MailboxListEntry entry, MailboxListEntry? parent) = stack.Pop();
            if (parent != null && parent.RawName.Length + 1 + entry.LeafName.Length > MaxNameLength)
            {
                // Only a damaged file nests this deep; building ever longer names would cost memory squared in depth.
                Problem(sources[entry.Uid], "ListIndexNameTooLong", "Corrupted mailbox list index " + File + ": name under '" + parent.RawName[..Math.Min(40, parent.RawName.Length)] + "...' longer than " + N(MaxNameLength) + " (uid=" + N(entry.Uid) + ")");
                parent = null;
            }

            string leaf = ModifiedUtf7.Decode(entry.LeafName);
            entry.Name = parent == null ? leaf : parent.Name + Separator + leaf;
            entry.RawName = parent == null ? entry.LeafName : parent.RawName + Separator + entry.LeafName;
            entry.Level = parent == null ? 0 : parent.Level + 1;
            mailboxes.Add(entry);
            if (children.TryGetValue(entry.Uid, out List<MailboxListEntry>? list))
            {
                for (int i = list.Count - 1; i >= 0; i--)
                {
                    stack.Push((list[i], entry));
                }
            }
        }
    }

    /// <summary>
    /// node_has_parent(): whether walking up from <paramref name="parent"/> through the parents linked so far reaches
    /// <paramref name="uid"/>. Links never form a cycle, so the walk ends.
    /// </summary>
    private static bool Loops(Dictionary<uint, uint> linked, uint parent, uint uid)
    {
        for (uint n = parent; n != 0; n = linked.TryGetValue(n, out uint up) ? up : 0)
        {
            if (n == uid)
            {
                return true;
            }
        }

        return false;
    }
}
