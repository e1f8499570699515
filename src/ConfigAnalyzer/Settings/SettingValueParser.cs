using System;
using System.Globalization;
using System.Text;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// Checks a value against its setting's type and turns it into the form doveconf prints
/// (<c>1024k</c> becomes <c>1 M</c>, <c>90 s</c> becomes <c>90 secs</c>, <c>Y</c> becomes <c>yes</c>).
/// Error texts are doveconf's, word for word.
/// </summary>
public static class SettingValueParser
{
    /// <summary>Normalises <paramref name="value"/>; returns false with doveconf's message when it is not valid.</summary>
    public static bool TryNormalize(SettingDefinition definition, string value, out string normalized, out string error)
    {
        error = string.Empty;
        normalized = value;
        switch (definition.Type)
        {
            case SettingType.Bool:
                if (string.Equals(value, "yes", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "y", StringComparison.OrdinalIgnoreCase) || value == "1")
                {
                    normalized = "yes";
                    return true;
                }

                if (string.Equals(value, "no", StringComparison.OrdinalIgnoreCase))
                {
                    normalized = "no";
                    return true;
                }

                error = "Invalid boolean value: " + value + " (use yes or no)";
                return false;
            case SettingType.UInt:
                return TryUInt(value, out normalized, out error, n => n.ToString(CultureInfo.InvariantCulture));
            case SettingType.Octal:
                if (value.Length > 0 && value[0] == '0')
                {
                    ulong octal = 0;
                    for (int i = 1; i < value.Length; i++)
                    {
                        char c = value[i];
                        if (c < '0' || c > '7' || octal > (ulong.MaxValue >> 3))
                        {
                            error = "Invalid number: " + value;
                            return false;
                        }

                        octal = (octal << 3) | (uint)(c - '0');
                    }

                    normalized = FormatOctal((uint)octal);
                    return true;
                }

                return TryUInt(value, out normalized, out error, n => FormatOctal((uint)n));
            case SettingType.Port:
                if (!TryParseDigits(value, out ulong port, out _) || port > 65535)
                {
                    error = "Invalid port number " + value;
                    return false;
                }

                normalized = port.ToString(CultureInfo.InvariantCulture);
                return true;
            case SettingType.Time:
            case SettingType.TimeMsecs:
                bool msecs = definition.Type == SettingType.TimeMsecs;
                if (!TryParseTime(value, msecs, out uint amount, out error))
                {
                    return false;
                }

                normalized = msecs ? FormatTimeMsecs(amount) : FormatTime(amount);
                return true;
            case SettingType.Size:
                if (!TryParseSize(value, out ulong bytes, out error))
                {
                    return false;
                }

                normalized = FormatSize(bytes);
                return true;
            case SettingType.Enum:
                foreach (var allowed in definition.Values)
                {
                    if (allowed == value)
                    {
                        return true;
                    }
                }

                error = "Invalid value: " + value;
                return false;
            default:
                return true;
        }
    }

    /// <summary>Whether a normalised value equals the setting's default (doveconf -n leaves those out).</summary>
    public static bool IsDefault(SettingDefinition definition, string normalized)
    {
        if (definition.AlwaysPrinted)
        {
            return false;
        }

        if (definition.Type == SettingType.Enum)
        {
            return definition.Values.Count > 0 && definition.Values[0] == normalized;
        }

        return definition.Default == normalized;
    }

    /// <summary>Parses a time interval like Dovecot's settings_get_time; the result is seconds, or milliseconds when <paramref name="milliseconds"/>.</summary>
    public static bool TryParseTime(string text, bool milliseconds, out uint result, out string error)
    {
        result = 0;
        error = string.Empty;
        ulong multiply = milliseconds ? 1000UL : 1UL;
        if (!TryParseLeadingDigits(text, out ulong num, out int p))
        {
            error = "Invalid time interval: " + text;
            return false;
        }

        while (p < text.Length && text[p] == ' ')
        {
            p++;
        }

        string unit = text.Substring(p);
        if (unit.Length == 0 && num != 0)
        {
            error = "Time interval '" + text + "' is missing units (add e.g. 's' for seconds)";
            return false;
        }

        bool matched = unit.Length == 0;
        switch (unit.Length == 0 ? '\0' : char.ToUpperInvariant(unit[0]))
        {
            case 'S':
                matched = IsPrefixOf(unit, "secs") || IsPrefixOf(unit, "seconds");
                break;
            case 'M':
                multiply *= 60;
                if (IsPrefixOf(unit, "mins") || IsPrefixOf(unit, "minutes"))
                {
                    matched = true;
                }
                else if (IsPrefixOf(unit, "msecs") || IsPrefixOf(unit, "mseconds") || IsPrefixOf(unit, "millisecs") || IsPrefixOf(unit, "milliseconds"))
                {
                    if (!milliseconds && num % 1000 != 0)
                    {
                        error = "Milliseconds not supported for this setting: " + text;
                        return false;
                    }

                    if (!milliseconds)
                    {
                        num /= 1000;
                    }

                    multiply = 1;
                    matched = true;
                }

                break;
            case 'H':
                multiply *= 60 * 60;
                matched = IsPrefixOf(unit, "hours");
                break;
            case 'D':
                multiply *= 60 * 60 * 24;
                matched = IsPrefixOf(unit, "days");
                break;
            case 'W':
                multiply *= 60 * 60 * 24 * 7;
                matched = IsPrefixOf(unit, "weeks");
                break;
        }

        if (!matched)
        {
            error = "Invalid time interval: " + text;
            return false;
        }

        if (num > uint.MaxValue / multiply)
        {
            error = "Time interval is too large: " + text;
            return false;
        }

        result = (uint)(num * multiply);
        return true;
    }

    /// <summary>Parses a size like Dovecot's settings_get_size (B, k, M, G, T with optional i and B).</summary>
    public static bool TryParseSize(string text, out ulong result, out string error)
    {
        result = 0;
        error = string.Empty;
        if (!TryParseLeadingDigits(text, out ulong num, out int p))
        {
            error = "Invalid size: " + text;
            return false;
        }

        while (p < text.Length && text[p] == ' ')
        {
            p++;
        }

        ulong multiply = 1;
        if (p < text.Length)
        {
            switch (char.ToUpperInvariant(text[p]))
            {
                case 'B': multiply = 1; p++; break;
                case 'K': multiply = 1024; p++; break;
                case 'M': multiply = 1024 * 1024; p++; break;
                case 'G': multiply = 1024 * 1024 * 1024; p++; break;
                case 'T': multiply = 1024UL * 1024 * 1024 * 1024; p++; break;
            }
        }

        if (multiply > 1)
        {
            if (p < text.Length && char.ToUpperInvariant(text[p]) == 'I')
            {
                p++;
            }

            if (p < text.Length && char.ToUpperInvariant(text[p]) == 'B')
            {
                p++;
            }
        }

        if (p != text.Length)
        {
            error = "Invalid size: " + text;
            return false;
        }

        if (num > ulong.MaxValue / multiply)
        {
            error = "Size is too large: " + text;
            return false;
        }

        result = num * multiply;
        return true;
    }

    /// <summary>doveconf's size form: the largest unit that divides evenly, e.g. <c>128 k</c>; zero is <c>0</c>.</summary>
    public static string FormatSize(ulong size)
    {
        if (size == 0)
        {
            return "0";
        }

        const string suffixes = "BkMGT";
        int i = 0;
        while (i + 1 < suffixes.Length && size % 1024 == 0)
        {
            size /= 1024;
            i++;
        }

        return size.ToString(CultureInfo.InvariantCulture) + " " + suffixes[i];
    }

    /// <summary>doveconf's time form: <c>5 mins</c>, <c>2 days</c>, <c>1 weeks</c>; zero is <c>0</c>.</summary>
    public static string FormatTime(uint seconds)
    {
        if (seconds == 0)
        {
            return "0";
        }

        string suffix = "secs";
        if (seconds % 60 == 0)
        {
            seconds /= 60;
            suffix = "mins";
            if (seconds % 60 == 0)
            {
                seconds /= 60;
                suffix = "hours";
                if (seconds % 24 == 0)
                {
                    seconds /= 24;
                    suffix = "days";
                    if (seconds % 7 == 0)
                    {
                        seconds /= 7;
                        suffix = "weeks";
                    }
                }
            }
        }

        return seconds.ToString(CultureInfo.InvariantCulture) + " " + suffix;
    }

    /// <summary>doveconf's form for millisecond settings.</summary>
    public static string FormatTimeMsecs(uint milliseconds) =>
        milliseconds % 1000 == 0 ? FormatTime(milliseconds / 1000) : milliseconds.ToString(CultureInfo.InvariantCulture) + " ms";

    private static string FormatOctal(uint value) => "0" + Convert.ToString(value, 8);

    private static bool TryUInt(string value, out string normalized, out string error, Func<ulong, string> format)
    {
        normalized = value;
        error = string.Empty;
        if (TryParseDigits(value, out ulong n, out bool overflow) && n <= uint.MaxValue)
        {
            normalized = format(n);
            return true;
        }

        string reason;
        if (value.Length > 0 && value[0] == '-')
        {
            reason = AllDigits(value, 1) ? "Number too small" : "Not a valid number";
        }
        else
        {
            reason = AllDigits(value, 0) && (overflow || n > uint.MaxValue) ? "Number too large" : "Not a valid number";
        }

        error = "Invalid number " + value + ": " + reason;
        return false;
    }

    private static bool AllDigits(string value, int from)
    {
        if (value.Length <= from)
        {
            return false;
        }

        for (int i = from; i < value.Length; i++)
        {
            if (value[i] < '0' || value[i] > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseDigits(string text, out ulong value, out bool overflow)
    {
        overflow = false;
        if (!TryParseLeadingDigits(text, out value, out int end))
        {
            overflow = end < 0;
            return false;
        }

        return end == text.Length;
    }

    // Dovecot's str_parse_uintmax: at least one digit, stops at the first non-digit, fails on overflow.
    private static bool TryParseLeadingDigits(string text, out ulong value, out int end)
    {
        value = 0;
        end = 0;
        if (text.Length == 0 || text[0] < '0' || text[0] > '9')
        {
            return false;
        }

        while (end < text.Length && text[end] >= '0' && text[end] <= '9')
        {
            ulong digit = (ulong)(text[end] - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                end = -1;
                return false;
            }

            value = (value * 10) + digit;
            end++;
        }

        return true;
    }

    private static bool IsPrefixOf(string unit, string word) =>
        unit.Length <= word.Length && string.Compare(unit, 0, word, 0, unit.Length, StringComparison.OrdinalIgnoreCase) == 0;

    internal static string EscapeForDisplay(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            if (c == '"' || c == '\\' || c == '\'')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
