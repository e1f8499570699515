using System;
using System.Collections.Generic;
using System.Globalization;

namespace MailStorage.Core.Index;

/// <summary>
/// A uidlist header read token by token so that one broken token does not lose the others (for a repair; the
/// reader, <see cref="UidList.Parse"/>, gives up on the first one as Dovecot does). Fields that do not read are in
/// <see cref="Dropped"/>; V, N and G of 0 or of the wrong form count as missing.
/// </summary>
internal sealed class UidListHeader
{
    private UidListHeader(int version) => Version = version;

    /// <summary>The version digit (1 and 3 are Dovecot's).</summary>
    public int Version { get; }

    /// <summary>UIDVALIDITY (0: missing or broken).</summary>
    public uint UidValidity { get; private set; }

    /// <summary>next_uid (0: missing or broken).</summary>
    public uint NextUid { get; private set; }

    /// <summary>The mailbox GUID in lower case, or null.</summary>
    public string? Guid { get; private set; }

    /// <summary>Other fields as written (key and value), in order: version 3 only.</summary>
    public List<string> Extensions { get; } = new();

    /// <summary>Version 3 fields that were dropped, as written.</summary>
    public List<string> Dropped { get; } = new();

    /// <summary>A version digit and a space: what Dovecot checks before it reads a header.</summary>
    internal static bool HasVersion(string line) => line.Length >= 2 && line[0] >= '0' && line[0] <= '9' && line[1] == ' ';

    /// <summary>The fields after the version, split on spaces.</summary>
    internal static string[] Fields(string line) => line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The header in <paramref name="line"/>, or null when it is none (a record line has a ':').</summary>
    public static UidListHeader? Parse(string line)
    {
        if (!HasVersion(line) || line.Contains(':', StringComparison.Ordinal))
        {
            return null;
        }

        var header = new UidListHeader(line[0] - '0');
        string[] tokens = Fields(line);
        if (header.Version == 1)
        {
            if (tokens.Length >= 1 && TryUInt(tokens[0], out uint v1Validity))
            {
                header.UidValidity = v1Validity;
            }

            if (tokens.Length >= 2 && TryUInt(tokens[1], out uint v1Next))
            {
                header.NextUid = v1Next;
            }

            return header;
        }

        foreach (string token in tokens)
        {
            char key = token[0];
            string value = token[1..];
            switch (key)
            {
                case 'V' when TryUInt(value, out uint validity) && validity != 0:
                    header.UidValidity = validity;
                    break;
                case 'N' when TryUInt(value, out uint next) && next != 0:
                    header.NextUid = next;
                    break;
                case 'G' when IsGuid(value):
                    header.Guid = value.ToLowerInvariant();
                    break;
                case 'V' or 'N' or 'G':
                    header.Dropped.Add(token);
                    break;
                default:
                    if (char.IsAsciiLetterOrDigit(key) && !HasControl(value))
                    {
                        header.Extensions.Add(token);
                    }
                    else
                    {
                        header.Dropped.Add(token);
                    }

                    break;
            }
        }

        return header;
    }

    internal static bool TryUInt(string text, out uint value) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>32 hex digits.</summary>
    internal static bool IsGuid(string text)
    {
        if (text.Length != 32)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="text"/> has a control character (Dovecot would write none).</summary>
    internal static bool HasControl(string text)
    {
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
