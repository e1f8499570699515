using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MailStorage.Core.Mailboxes;

/// <summary>
/// Dovecot 2.3's %-variables in mail_location and mail_home for one user, expanded as its var-expand.c does:
/// <c>%[-][0]width[.[-]width][modifiers]variable</c> or <c>%[...]{long_name}</c>. The first number is a width (or,
/// before a '.', an offset from the start, from the end when negative); the modifiers are L (lower case), U (upper
/// case), R (reverse), T (trim trailing blanks), H (hash, modulo the width, zero-padded to the offset), N (a newer
/// MD5-based hash, likewise), M (MD5 in hex), X (a number in hex), E (backslash-escape quotes and backslashes) and
/// D (dots to <c>,dc=</c>). Known here: %u %n %d %h and %{user} %{username} %{domain} %{home}; a variable Dovecot
/// knows only inside a session (%s, %r, %l, %p, %i, ...) or not at all is refused, never left in a path.
/// </summary>
public static class MailVariables
{
    private const string Modifiers = "LUERHTXNMD";

    // Dovecot's mail user variables (mail-storage-service.c) known only in a session: refused with their meaning.
    private static readonly Dictionary<string, string> SessionOnly = new(StringComparer.Ordinal)
    {
        ["s"] = "service", ["service"] = "service", ["l"] = "local IP", ["lip"] = "local IP", ["r"] = "remote IP", ["rip"] = "remote IP",
        ["p"] = "process id", ["pid"] = "process id", ["i"] = "uid", ["uid"] = "uid", ["gid"] = "gid", ["session"] = "session id",
        ["auth_user"] = "auth user", ["auth_username"] = "auth user", ["auth_domain"] = "auth domain", ["hostname"] = "host name",
        ["local_name"] = "TLS SNI name", ["userdb"] = "userdb field", ["env"] = "environment",
    };

    /// <summary>Expands every variable of <paramref name="value"/> for <paramref name="user"/> (user or user@domain) with home <paramref name="home"/>.</summary>
    /// <exception cref="FormatException">A variable that cannot be expanded here, named as Dovecot names it.</exception>
    public static string Expand(string value, string user, string home)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(home);
        int at = user.IndexOf('@', StringComparison.Ordinal);
        string userName = at < 0 ? user : user.Substring(0, at);
        string domain = at < 0 ? string.Empty : user.Substring(at + 1);
        var sb = new StringBuilder(value.Length + 16);
        int i = 0;
        while (i < value.Length)
        {
            char c = value[i++];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            // [<offset>.]<width>[<modifiers>]<variable>, as var_expand_with_funcs() reads it.
            int sign = 1, width = 0, offset = 0;
            bool zeroPadding = false;
            if (i < value.Length && value[i] == '-')
            {
                sign = -1;
                i++;
            }

            if (i < value.Length && value[i] == '0')
            {
                zeroPadding = true;
                i++;
            }

            width = Digits(value, ref i);
            if (i < value.Length && value[i] == '.')
            {
                offset = sign * width;
                sign = 1;
                width = 0;
                i++;
                zeroPadding = false;
                if (i < value.Length && value[i] == '0')
                {
                    zeroPadding = true;
                    i++;
                }

                if (i < value.Length && value[i] == '-')
                {
                    sign = -1;
                    i++;
                }

                width = sign * Digits(value, ref i);
            }

            var modifiers = new List<char>();
            while (i < value.Length && modifiers.Count < 10 && Modifiers.Contains(value[i], StringComparison.Ordinal))
            {
                modifiers.Add(value[i++]);
            }

            if (i >= value.Length)
            {
                break; // a lone '%' at the end is dropped, as Dovecot drops it
            }

            string key;
            if (value[i] == '{')
            {
                int close = value.IndexOf('}', i);
                if (close < 0)
                {
                    throw new FormatException("'" + value + "': '%{' without a closing '}'.");
                }

                key = value.Substring(i + 1, close - i - 1);
                i = close + 1;
            }
            else
            {
                key = value[i++].ToString();
            }

            string? var = key switch
            {
                "u" or "user" => user,
                "n" or "username" => userName,
                "d" or "domain" => domain,
                "h" or "home" => home,
                "%" => "%",
                _ => null,
            };
            if (var == null)
            {
                string shown = key.Length == 1 ? "%" + key : "%{" + key + "}";
                int colon = key.IndexOf(':', StringComparison.Ordinal);
                string name = colon < 0 ? key : key.Substring(0, colon);
                throw new FormatException(SessionOnly.TryGetValue(name, out string? meaning)
                    ? "'" + value + "': " + shown + " (" + meaning + ") is known to Dovecot only inside a session, so the path cannot be told here."
                    : "'" + value + "': Unknown variable '" + shown + "' (Dovecot refuses it too).");
            }

            foreach (char modifier in modifiers)
            {
                var = Modify(modifier, var, ref width, ref offset);
            }

            sb.Append(Cut(var, offset, width, zeroPadding));
        }

        return sb.ToString();
    }

    private static int Digits(string value, ref int i)
    {
        int n = 0;
        while (i < value.Length && value[i] >= '0' && value[i] <= '9')
        {
            n = checked((n * 10) + (value[i++] - '0'));
        }

        return n;
    }

    private static string Cut(string var, int offset, int width, bool zeroPadding)
    {
        if (offset < 0)
        {
            if (var.Length > -offset)
            {
                var = var.Substring(var.Length + offset);
            }
        }
        else
        {
            var = var.Substring(Math.Min(offset, var.Length));
        }

        if (width == 0)
        {
            return var;
        }

        if (zeroPadding)
        {
            return var.Length < width ? new string('0', width - var.Length) + var : var; // %05d-like: no truncation
        }

        if (width < 0)
        {
            width = var.Length + width;
        }

        return var.Substring(0, Math.Clamp(width, 0, var.Length));
    }

    // MD5 here is Dovecot's path hash (%M, %N), not a security measure: the same bytes must give the same folder.
#pragma warning disable CA5351
    private static string Modify(char modifier, string var, ref int width, ref int offset)
    {
        switch (modifier)
        {
            case 'L':
                return var.ToLowerInvariant();
            case 'U':
                return var.ToUpperInvariant();
            case 'R':
                char[] chars = var.ToCharArray();
                Array.Reverse(chars);
                return new string(chars);
            case 'T':
                return var.TrimEnd(' ', '\t', '\n', '\r', '\v', '\f');
            case 'E':
                return var.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
            case 'D':
                return var.Replace(".", ",dc=", StringComparison.Ordinal);
            case 'X':
                return ulong.TryParse(var, NumberStyles.None, CultureInfo.InvariantCulture, out ulong number) ? number.ToString("x", CultureInfo.InvariantCulture) : "0";
            case 'M':
                return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(var)));
            case 'H':
                return Hash(StrHash(var), ref width, ref offset);
            default: // 'N'
                byte[] digest = MD5.HashData(Encoding.UTF8.GetBytes(var));
                ulong value = 0;
                for (int b = 0; b < 8; b++)
                {
                    value = (value << 8) | digest[b];
                }

                return Hash(value, ref width, ref offset);
        }
    }

#pragma warning restore CA5351

    // The width, if any, is the modulus and the offset the zero-padded length; both are used up.
    private static string Hash(ulong value, ref int width, ref int offset)
    {
        if (width != 0)
        {
            value %= (ulong)(uint)width;
            width = 0;
        }

        string hex = ((uint)value).ToString("x", CultureInfo.InvariantCulture);
        string padded = hex.Length < offset ? new string('0', offset - hex.Length) + hex : hex;
        offset = 0;
        return padded;
    }

    // Dovecot's str_hash() (hash.c): the PJW hash over the bytes.
    private static ulong StrHash(string value)
    {
        uint h = 0;
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            h = (h << 4) + b;
            uint g = h & 0xf0000000u;
            if (g != 0)
            {
                h ^= g >> 24;
                h ^= g;
            }
        }

        return h;
    }
}
