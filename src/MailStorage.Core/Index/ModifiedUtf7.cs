using System;
using System.Text;

namespace MailStorage.Core.Index;

/// <summary>
/// IMAP's modified UTF-7 (RFC 3501 5.1.3), in which Dovecot stores non-ASCII mailbox names on disk unless
/// mailbox_list_utf8 is set: printable ASCII stands for itself, "&amp;-" for "&amp;", and "&amp;...-" wraps UTF-16BE in
/// base64 with ',' for '/'.
/// </summary>
public static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    /// <summary>
    /// Decodes <paramref name="name"/>, or returns false when it is not valid modified UTF-7 (Dovecot then shows the
    /// stored name as it is).
    /// </summary>
    public static bool TryDecode(string name, out string decoded)
    {
        ArgumentNullException.ThrowIfNull(name);
        decoded = name;
        if (name.IndexOf('&', StringComparison.Ordinal) < 0)
        {
            // Stored names are ASCII; anything else (say raw UTF-8 from mailbox_list_utf8) is not modified UTF-7.
            foreach (char c in name)
            {
                if (c < 0x20 || c > 0x7e)
                {
                    return false;
                }
            }

            return true;
        }

        var result = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c != '&')
            {
                if (c < 0x20 || c > 0x7e)
                {
                    return false;
                }

                result.Append(c);
                continue;
            }

            int end = name.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }

            if (end == i + 1)
            {
                result.Append('&');
                i = end;
                continue;
            }

            if (!DecodeRun(name.AsSpan(i + 1, end - i - 1), result))
            {
                return false;
            }

            // Two runs back to back should have been one ("&-" after a run is a literal '&', which is fine).
            if (end + 2 < name.Length && name[end + 1] == '&' && name[end + 2] != '-')
            {
                return false;
            }

            i = end;
        }

        decoded = result.ToString();
        return true;
    }

    /// <summary>The decoded name, or <paramref name="name"/> itself when it is not valid modified UTF-7.</summary>
    public static string Decode(string name) => TryDecode(name, out string decoded) ? decoded : name;

    private static bool DecodeRun(ReadOnlySpan<char> run, StringBuilder result)
    {
        int bits = 0;
        int bitCount = 0;
        var units = new StringBuilder();
        foreach (char c in run)
        {
            int value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            bits = (bits << 6) | value;
            bitCount += 6;
            if (bitCount >= 16)
            {
                bitCount -= 16;
                units.Append((char)((bits >> bitCount) & 0xffff));
            }
        }

        // As imap-utf7.c decodes: base64 comes in pairs of characters, and what is left must not be a whole byte
        // (half a UTF-16 unit).
        if (run.Length % 4 == 1 || bitCount >= 8 || units.Length == 0)
        {
            return false;
        }

        // Nor may a run hold NUL, printable ASCII (which stands for itself) or a broken surrogate pair.
        string text = units.ToString();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool broken = char.IsHighSurrogate(c) ? i + 1 >= text.Length || !char.IsLowSurrogate(text[++i]) : char.IsLowSurrogate(c);
            if (broken || c == 0 || (c >= 0x20 && c < 0x7f))
            {
                return false;
            }
        }

        result.Append(text);
        return true;
    }
}
