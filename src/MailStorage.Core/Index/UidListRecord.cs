using System;
using System.Collections.Generic;
using System.Globalization;

namespace MailStorage.Core.Index;

/// <summary>
/// One message line of a Maildir <c>dovecot-uidlist</c>: <c>&lt;uid&gt;[ &lt;K&gt;&lt;value&gt;...] :&lt;base filename&gt;</c>.
/// </summary>
public sealed class UidListRecord
{
    /// <summary>Creates a record.</summary>
    public UidListRecord(uint uid, string fileName, IReadOnlyList<string> extensions, int line, long offset)
    {
        Uid = uid;
        FileName = fileName;
        Extensions = extensions;
        Line = line;
        Offset = offset;
    }

    /// <summary>The IMAP UID.</summary>
    public uint Uid { get; }

    /// <summary>The Maildir base filename (without <c>:2,flags</c>).</summary>
    public string FileName { get; }

    /// <summary>Extension tokens as written, key letter first (<c>W1234</c>, <c>GABCD...</c>).</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>1-based line number in the file.</summary>
    public int Line { get; }

    /// <summary>Byte offset of the line in the file.</summary>
    public long Offset { get; }

    /// <summary>The value of extension <paramref name="key"/> (e.g. 'W' virtual size), or null.</summary>
    public string? Extension(char key)
    {
        foreach (string token in Extensions)
        {
            if (token.Length > 0 && token[0] == key)
            {
                return token[1..];
            }
        }

        return null;
    }

    /// <summary>Physical size: the <c>S</c> extension, or <c>,S=</c> in the filename.</summary>
    public ulong? PhysicalSize => Size('S');

    /// <summary>Virtual size (CRLF line ends): the <c>W</c> extension, or <c>,W=</c> in the filename.</summary>
    public ulong? VirtualSize => Size('W');

    /// <summary>The message GUID (<c>G</c> extension), or null.</summary>
    public string? Guid => Extension('G');

    private ulong? Size(char key)
    {
        if (ulong.TryParse(Extension(key), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            return value;
        }

        string marker = "," + key + "=";
        int at = FileName.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        ReadOnlySpan<char> rest = FileName.AsSpan(at + marker.Length);
        int end = rest.IndexOfAny(',', ':');
        return ulong.TryParse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out value) ? value : null;
    }

    /// <inheritdoc />
    public override string ToString() => Uid.ToString(CultureInfo.InvariantCulture) + " :" + FileName;
}
