using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace MailStorage.Core.Index;
/// <summary>
/// A parsed <c>dovecot.index</c>: base header, extensions, keyword names and records, with the problems Dovecot
/// would find when mapping it (mail-index-map-read.c, mail-index-map-hdr.c). Never throws on malformed content.
/// </summary>
public sealed partial class IndexFile
{
    private readonly ReadOnlyMemory<byte> data;
    private readonly List<IndexProblem> problems = new();
    private readonly List<IndexExtension> extensions = new();
    private readonly List<string> keywords = new();

    private IndexFile(string file, ReadOnlyMemory<byte> data)
    {
        File = file;
        this.data = data;
        Header = IndexHeader.Read(data.Span);
    }

    /// <summary>The file name used in problems.</summary>
    public string File { get; }

    /// <summary>The base header.</summary>
    public IndexHeader Header { get; }

    /// <summary>False when Dovecot would drop the file and rebuild from the log (wrong version, broken sizes...).</summary>
    public bool IsUsable { get; private set; }

    /// <summary>The extensions in on-disk order.</summary>
    public IReadOnlyList<IndexExtension> Extensions => extensions;

    /// <summary>Keyword names from the <c>keywords</c> extension header, by index.</summary>
    public IReadOnlyList<string> Keywords => keywords;

    /// <summary>The <c>keywords</c> extension, or null.</summary>
    public IndexExtension? KeywordsExtension { get; private set; }

    /// <summary>What is wrong with the file.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>How many records can be read (messages_count, cut to what the file holds).</summary>
    public int RecordCount { get; private set; }

    /// <summary>The file's length in bytes.</summary>
    public int Length => data.Length;

    /// <summary>The records (empty when the file is unusable).</summary>
    public IndexRecords Records => RecordCount == 0
        ? new IndexRecords(ReadOnlySpan<byte>.Empty, 0, 0)
        : new IndexRecords(data.Span.Slice((int)Header.HeaderSize, RecordCount * (int)Header.RecordSize), (int)Header.RecordSize, RecordCount);

    /// <summary>Reads a file without taking any lock (Dovecot replaces it by rename, never writes it in place).</summary>
    public static IndexFile Read(string path)
    {
        using SafeFileHandle handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Parse(ReadAll(handle), path);
    }

    /// <summary>Parses the bytes of a <c>dovecot.index</c> (the array is kept, not copied).</summary>
    public static IndexFile Parse(byte[] data, string file)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Parse(new ReadOnlyMemory<byte>(data), file);
    }

    /// <summary>
    /// Parses a <c>dovecot.index</c> held in memory, without copying it: the records stay views over
    /// <paramref name="data"/>, so it must stay valid (and unchanged) as long as this object is used. Memory from an
    /// <see cref="Caching.IndexFileView"/> qualifies until the view is disposed. Extension headers are copied: they are
    /// small and callers keep them.
    /// </summary>
    public static IndexFile Parse(ReadOnlyMemory<byte> data, string file)
    {
        var index = new IndexFile(file, data);
        index.Check();
        return index;
    }

    /// <summary>The keyword names set in <paramref name="record"/>.</summary>
    public IReadOnlyList<string> KeywordsOf(IndexRecord record)
    {
        var names = new List<string>();
        if (KeywordsExtension == null)
        {
            return names;
        }

        ReadOnlySpan<byte> bits = record.Extension(KeywordsExtension);
        for (int i = 0; i < bits.Length; i++)
        {
            for (int bit = 0; bit < 8 && bits[i] != 0; bit++)
            {
                if ((bits[i] & (1 << bit)) != 0)
                {
                    int n = (i * 8) + bit;
                    names.Add(n < keywords.Count ? keywords[n] : "#" + n.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        return names;
    }

    /// <summary>Reads a whole file through a handle (no lock), bounded by its size at open.</summary>
    internal static byte[] ReadAll(SafeFileHandle handle)
    {
        long length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue - 64)
        {
            throw new IOException("File too large: " + length);
        }

        return ReadUpTo(handle, length);
    }

    /// <summary>
    /// Reads the first <paramref name="length"/> bytes of an open file (no lock), or only what there is when it has become
    /// shorter since its length was taken (a writer truncated it), never padded with zeros Dovecot would not see.
    /// </summary>
    internal static byte[] ReadUpTo(SafeFileHandle handle, long length)
    {
        var buffer = new byte[length];
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(done), done);
            if (n == 0)
            {
                return buffer.AsSpan(0, done).ToArray();
            }

            done += n;
        }

        return buffer;
    }

    private void Problem(long offset, string code, string message) => problems.Add(new IndexProblem(File, offset, code, message));
}
