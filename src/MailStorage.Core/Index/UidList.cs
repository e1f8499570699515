using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MailStorage.Core.Index;

/// <summary>
/// A Maildir <c>dovecot-uidlist</c> (version 1 or 3), read the way Dovecot 2.3's maildir-uidlist.c reads it.
/// Header: <c>3 V&lt;uidvalidity&gt; N&lt;next uid&gt; G&lt;mailbox guid&gt;[ K&lt;value&gt;...]</c> (v1:
/// <c>1 &lt;uidvalidity&gt; &lt;next uid&gt;</c>); then one <see cref="UidListRecord"/> per line. Where Dovecot
/// would call the file broken, a <see cref="IndexProblem"/> worded like Dovecot's is collected (with the line
/// number in the message and the byte offset of the line) and reading goes on with the next line.
/// </summary>
public sealed partial class UidList
{
    /// <summary>Largest file read (Dovecot has no limit; this keeps a runaway file from exhausting memory).</summary>
    public const long MaxFileSize = 1L << 30;

    private readonly List<UidListRecord> records = new();
    private readonly List<IndexProblem> problems = new();
    private readonly Dictionary<char, string> headerExtensions = new();

    private UidList(string file) => File = file;

    /// <summary>The file read.</summary>
    public string File { get; }

    /// <summary>1 or 3; 0 when the header could not be read (empty or corrupted file).</summary>
    public int Version { get; private set; }

    /// <summary>UIDVALIDITY from the header (0 if missing).</summary>
    public uint UidValidity { get; private set; }

    /// <summary>next_uid as written in the header (Dovecot does not rewrite it on append).</summary>
    public uint HeaderNextUid { get; private set; }

    /// <summary>The next UID Dovecot will give: max(header N, last uid + 1).</summary>
    public uint NextUid => records.Count == 0 ? HeaderNextUid : Math.Max(HeaderNextUid, records[^1].Uid + 1);

    /// <summary>The mailbox GUID (32 hex digits, v3 <c>G</c>), or null.</summary>
    public string? MailboxGuid { get; private set; }

    /// <summary>Header extensions other than V, N and G, by key (e.g. P: pop3 uidl format).</summary>
    public IReadOnlyDictionary<char, string> HeaderExtensions => headerExtensions;

    /// <summary>The records, in file order (ascending UID for a sound file).</summary>
    public IReadOnlyList<UidListRecord> Records => records;

    /// <summary>What is wrong with the file; empty for a sound one.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>Reads <paramref name="path"/> without taking a lock (Dovecot writes it under a dotlock and renames).</summary>
    public static UidList Read(string path)
    {
        using var handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = Math.Min(RandomAccess.GetLength(handle), MaxFileSize);
        var buffer = new byte[length];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Parse(buffer.AsSpan(0, read), path);
    }

    /// <summary>Parses the content of a uidlist; <paramref name="file"/> names it in problems.</summary>
    public static UidList Parse(ReadOnlySpan<byte> data, string file)
    {
        var list = new UidList(file);
        list.ParseAll(data);
        return list;
    }

    private void ParseAll(ReadOnlySpan<byte> data)
    {
        bool headerRead = false;
        var byFileName = new Dictionary<string, uint>(StringComparer.Ordinal);
        uint previousUid = 0;
        foreach (RawLine raw in SplitLines(data))
        {
            if (!raw.Terminated)
            {
                // Dovecot's line reader never returns a line without its LF: a partial append, ignored.
                Add(raw.Offset, "UidListUnterminatedLine", "Unexpected garbage at EOF (line " + raw.Number + " has no newline)");
                break;
            }

            string line = Encoding.UTF8.GetString(data.Slice(raw.Offset, raw.Length));
            if (!headerRead)
            {
                headerRead = true;
                if (!ReadHeader(line, raw.Offset))
                {
                    // Dovecot gives up on the whole file here and rebuilds it.
                    return;
                }

                continue;
            }

            ReadRecord(line, raw.Number, raw.Offset, byFileName, ref previousUid);
        }
    }

    private bool ReadHeader(string line, long offset)
    {
        if (!UidListHeader.HasVersion(line))
        {
            Add(offset, "UidListBadVersion", "Corrupted header (invalid version number)");
            return false;
        }

        int version = line[0] - '0';
        uint uidValidity = 0, nextUid = 0;
        switch (version)
        {
            case 1:
                string[] parts = UidListHeader.Fields(line);
                if (parts.Length < 2 || !UidListHeader.TryUInt(parts[0], out uidValidity) || !UidListHeader.TryUInt(parts[1], out nextUid))
                {
                    Add(offset, "UidListBrokenHeader", "Corrupted header (version 1)");
                    return false;
                }

                break;
            case 3:
                foreach (string token in UidListHeader.Fields(line))
                {
                    char key = token[0];
                    string value = token[1..];
                    switch (key)
                    {
                        case 'V':
                            if (!UidListHeader.TryUInt(value, out uidValidity))
                            {
                                Add(offset, "UidListBrokenHeader", "Invalid mailbox UID_VALIDITY: " + value);
                                return false;
                            }

                            break;
                        case 'N':
                            if (!UidListHeader.TryUInt(value, out nextUid))
                            {
                                Add(offset, "UidListBrokenHeader", "Invalid mailbox NEXT_UID: " + value);
                                return false;
                            }

                            break;
                        case 'G':
                            if (!UidListHeader.IsGuid(value))
                            {
                                Add(offset, "UidListBrokenHeader", "Invalid mailbox GUID: " + value);
                                return false;
                            }

                            MailboxGuid = value.ToLowerInvariant();
                            break;
                        default:
                            headerExtensions[key] = value;
                            break;
                    }
                }

                break;
            default:
                Add(offset, "UidListUnsupportedVersion", "Unsupported version " + version);
                return false;
        }

        Version = version;
        UidValidity = uidValidity;
        HeaderNextUid = nextUid;
        if (uidValidity == 0 || nextUid == 0)
        {
            Add(offset, "UidListBrokenHeader", "Broken header (uidvalidity = " + uidValidity + ", next_uid=" + nextUid + ")");
            return false;
        }

        return true;
    }

    private void ReadRecord(string line, int lineNumber, long offset, Dictionary<string, uint> byFileName, ref uint previousUid)
    {
        RecordFields fields = ParseFields(line, withExtensions: Version == 3);
        ulong uid = fields.Uid;
        if (!fields.HasUid)
        {
            Add(offset, "UidListInvalidData", "Invalid data at line " + lineNumber + ": " + fields.Rest);
            return;
        }

        if (uid <= previousUid)
        {
            Add(
                offset,
                uid == previousUid ? "UidListDuplicateUid" : "UidListNotOrdered",
                "UIDs not ordered (" + uid + " >= " + previousUid + ") at line " + lineNumber);
            return;
        }

        if (uid >= uint.MaxValue)
        {
            Add(offset, "UidListUidTooHigh", "UID too high (" + uid + ") at line " + lineNumber);
            return;
        }

        previousUid = (uint)uid;
        if (Version == 1 && uid >= HeaderNextUid)
        {
            Add(offset, "UidListUidAboveNextUid", "UID larger than next_uid (" + uid + " >= " + HeaderNextUid + ") at line " + lineNumber);
            return;
        }

        foreach ((int start, string token) in fields.InvalidExtensions)
        {
            Add(offset + start, "UidListInvalidExtension", "Invalid extension record, removing: " + token);
        }

        string fileName = fields.FileName;
        if (Version == 3 && fileName.Length == 0)
        {
            Add(offset, "UidListInvalidExtendedFields", "Invalid extended fields at line " + lineNumber + ": " + line);
            return;
        }

        if (fileName.Contains('/', StringComparison.Ordinal) || fileName.Length == 0)
        {
            Add(offset + fields.NameStart, "UidListBrokenFilename", File + ": Broken filename at line " + lineNumber + ": " + fileName);
            return;
        }

        if (byFileName.TryGetValue(fileName, out uint oldUid))
        {
            Add(offset, "UidListDuplicateFile", "Duplicate file entry at line " + lineNumber + ": " + fileName + " (uid " + oldUid + " -> " + uid + ")");

            // Dovecot keeps the newer UID for the file.
            records.RemoveAll(r => r.FileName == fileName);
        }

        byFileName[fileName] = (uint)uid;
        records.Add(new UidListRecord((uint)uid, fileName, fields.Extensions, lineNumber, offset));
    }

    private void Add(long offset, string code, string message) => problems.Add(new IndexProblem(File, offset, code, message));
}
