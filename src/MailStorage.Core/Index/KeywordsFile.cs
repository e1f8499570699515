using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace MailStorage.Core.Index;

/// <summary>
/// A Maildir <c>dovecot-keywords</c>: lines <c>&lt;index&gt; &lt;keyword&gt;</c> mapping the filename flag letters
/// a..z (index 0..25) to keyword names. Read like maildir-keywords.c: lines without a space are skipped silently
/// (an old .customflags header), and invalid indexes, empty or duplicate names are skipped (collected as problems).
/// </summary>
public sealed class KeywordsFile
{
    /// <summary>Letters a..z: 26 keywords at most in Maildir filenames.</summary>
    public const int MaxKeywords = 26;

    private const int MaxFileSize = 1 << 20;
    private readonly string?[] names = new string?[MaxKeywords];
    private readonly List<IndexProblem> problems = new();

    private KeywordsFile(string file) => File = file;

    /// <summary>The file read.</summary>
    public string File { get; }

    /// <summary>Keyword names by index (null where no keyword is defined).</summary>
    public IReadOnlyList<string?> Names => names;

    /// <summary>What is wrong with the file.</summary>
    public IReadOnlyList<IndexProblem> Problems => problems;

    /// <summary>The keyword for a Maildir filename flag letter ('a'..'z'), or null.</summary>
    public string? ForLetter(char letter) => letter is >= 'a' and <= 'z' ? names[letter - 'a'] : null;

    /// <summary>Reads <paramref name="path"/> without a lock (Dovecot replaces it by rename).</summary>
    public static KeywordsFile Read(string path)
    {
        using var handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[Math.Min(RandomAccess.GetLength(handle), MaxFileSize)];
        int read = 0;
        int n;
        while (read < buffer.Length && (n = RandomAccess.Read(handle, buffer.AsSpan(read), read)) > 0)
        {
            read += n;
        }

        return Parse(buffer.AsSpan(0, read), path);
    }

    /// <summary>Parses the content of a keywords file.</summary>
    public static KeywordsFile Parse(ReadOnlySpan<byte> data, string file)
    {
        var keywords = new KeywordsFile(file);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int position = 0;
        while (position < data.Length)
        {
            ReadOnlySpan<byte> rest = data[position..];
            int newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                keywords.Add(position, "KeywordsUnterminatedLine", "Unexpected garbage at EOF");
                break;
            }

            string line = Encoding.UTF8.GetString(rest[..newline]);
            long offset = position;
            position += newline + 1;
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                continue;
            }

            string name = line[(space + 1)..];
            if (!uint.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out uint index) || index >= MaxKeywords)
            {
                keywords.Add(offset, "KeywordsInvalidIndex", "Invalid keyword index: " + line[..space]);
            }
            else if (name.Length == 0)
            {
                keywords.Add(offset, "KeywordsEmptyName", "Empty keyword name for index " + index);
            }
            else if (!seen.Add(name))
            {
                keywords.Add(offset, "KeywordsDuplicateName", "Duplicate keyword: " + name);
            }
            else
            {
                keywords.names[index] = name;
            }
        }

        return keywords;
    }

    private void Add(long offset, string code, string message) => problems.Add(new IndexProblem(File, offset, code, message));
}
