using System.Text;

namespace MailStorage.ConfigAnalyzer.Syntax;

/// <summary>
/// Splits physical lines into doveconf's logical lines. Follows doveconf 2.3.19's rules to the letter,
/// odd ones included: a comment line after a <c>\</c> continuation drops the text gathered so far, quotes
/// protect <c>#</c> only while they are closed, and escapes are removed only from whole-value quotes.
/// </summary>
public sealed class ConfigLineParser
{
    private readonly StringBuilder continued = new StringBuilder();
    private int continuedFirstKeyColumn;

    /// <summary>Classifies one physical line (without its line ending; text after a NUL is already dropped).</summary>
    public ConfigLine Parse(string physical)
    {
        var line = physical;
        int start = 0;
        while (start < line.Length && IsWhite(line[start]))
        {
            start++;
        }

        if (start == line.Length || line[start] == '#')
        {
            continued.Clear();
            return new ConfigLine(ConfigLineKind.Skip, string.Empty, string.Empty, 0, 0, false);
        }

        int end = line.Length;
        bool ambiguousHash = false;
        for (int p = start; p < end; p++)
        {
            char c = line[p];
            if (c == '\'' || c == '"')
            {
                p++;
                while (p < end && line[p] != c)
                {
                    if (line[p] == '\\' && p + 1 < end)
                    {
                        p++;
                    }

                    p++;
                }

                if (p >= end)
                {
                    break;
                }
            }
            else if (c == '#')
            {
                ambiguousHash = !IsWhite(line[p - 1]);
                end = p;
                break;
            }
        }

        while (end > start && IsWhite(line[end - 1]))
        {
            end--;
        }

        if (end > start && line[end - 1] == '\\')
        {
            end--;
            while (end > start && IsWhite(line[end - 1]))
            {
                end--;
            }

            if (end > start)
            {
                if (continued.Length == 0)
                {
                    continuedFirstKeyColumn = start + 1;
                }

                continued.Append(line, start, end - start).Append(' ');
            }

            return new ConfigLine(ConfigLineKind.Continue, string.Empty, string.Empty, 0, 0, ambiguousHash);
        }

        string text;
        int keyColumn;
        if (continued.Length > 0)
        {
            text = continued.Append(line, start, end - start).ToString();
            keyColumn = continuedFirstKeyColumn;
            continued.Clear();
        }
        else
        {
            text = line.Substring(start, end - start);
            keyColumn = start + 1;
        }

        return Classify(text, keyColumn, ambiguousHash);
    }

    private static ConfigLine Classify(string text, int keyColumn, bool ambiguousHash)
    {
        int pos = 0;
        while (pos < text.Length && !IsWhite(text[pos]) && text[pos] != '=')
        {
            pos++;
        }

        string key = text.Substring(0, pos);
        bool keyEndedAtWhite = pos < text.Length && IsWhite(text[pos]);
        if (keyEndedAtWhite)
        {
            pos = SkipWhite(text, pos + 1);
        }

        int valueColumn = keyColumn + pos;
        if (key == "!include")
        {
            return new ConfigLine(ConfigLineKind.Include, key, text.Substring(pos), keyColumn, valueColumn, ambiguousHash);
        }

        if (key == "!include_try")
        {
            return new ConfigLine(ConfigLineKind.IncludeTry, key, text.Substring(pos), keyColumn, valueColumn, ambiguousHash);
        }

        if (pos < text.Length && text[pos] == '=')
        {
            pos = SkipWhite(text, pos + 1);
            valueColumn = keyColumn + pos;
            if (pos < text.Length && text[pos] == '<')
            {
                pos = SkipWhite(text, pos + 1);
                return new ConfigLine(ConfigLineKind.KeyFile, key, text.Substring(pos), keyColumn, keyColumn + pos, ambiguousHash);
            }

            string value = text.Substring(pos);
            if (value.Length > 0 && value[0] != '\'' && value[0] != '"' && value.IndexOf('$') >= 0)
            {
                return new ConfigLine(ConfigLineKind.KeyVariable, key, value, keyColumn, valueColumn, ambiguousHash);
            }

            if (value.Length > 0 &&
                ((value[0] == '"' && value[value.Length - 1] == '"') || (value[0] == '\'' && value[value.Length - 1] == '\'')))
            {
                value = Unescape(value.Length == 1 ? string.Empty : value.Substring(1, value.Length - 2));
            }

            return new ConfigLine(ConfigLineKind.KeyValue, key, value, keyColumn, valueColumn, ambiguousHash);
        }

        string rest = text.Substring(pos);
        if (key == "}" && rest.Length == 0)
        {
            return new ConfigLine(ConfigLineKind.SectionEnd, key, string.Empty, keyColumn, valueColumn, ambiguousHash);
        }

        if (!keyEndedAtWhite && key.Length > 0)
        {
            // doveconf terminates the key by overwriting the character before the rest; with no white space
            // there, that is the key's own last character.
            key = key.Substring(0, key.Length - 1);
        }

        string name = string.Empty;
        if (pos >= text.Length || text[pos] != '{')
        {
            if (pos < text.Length && text[pos] == '"')
            {
                int nameStart = pos + 1;
                int close = text.IndexOf('"', nameStart);
                if (close < 0)
                {
                    return Error(key, "Expecting '{'", keyColumn, ambiguousHash);
                }

                name = Unescape(text.Substring(nameStart, close - nameStart));
                pos = SkipWhite(text, close + 1);
            }
            else
            {
                int nameStart = pos;
                while (pos < text.Length && !IsWhite(text[pos]))
                {
                    pos++;
                }

                name = text.Substring(nameStart, pos - nameStart);
                if (pos < text.Length)
                {
                    pos = SkipWhite(text, pos + 1);
                }
            }

            if (pos >= text.Length || text[pos] != '{')
            {
                return Error(key, "Expecting '{'", keyColumn, ambiguousHash);
            }
        }

        if (pos + 1 < text.Length)
        {
            return Error(key, "Garbage after '{'", keyColumn, ambiguousHash);
        }

        return new ConfigLine(ConfigLineKind.SectionBegin, key, name, keyColumn, valueColumn, ambiguousHash);
    }

    private static ConfigLine Error(string key, string message, int keyColumn, bool ambiguousHash) =>
        new ConfigLine(ConfigLineKind.Error, key, message, keyColumn, keyColumn, ambiguousHash);

    /// <summary>Removes backslashes the way Dovecot's str_unescape does: <c>\x</c> becomes <c>x</c>, no escape sequences.</summary>
    public static string Unescape(string value)
    {
        int first = value.IndexOf('\\');
        if (first < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        sb.Append(value, 0, first);
        for (int i = first; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
                if (i >= value.Length)
                {
                    break;
                }
            }

            sb.Append(value[i]);
        }

        return sb.ToString();
    }

    internal static bool IsWhite(char c) => c == ' ' || c == '\t';

    private static int SkipWhite(string text, int pos)
    {
        while (pos < text.Length && IsWhite(text[pos]))
        {
            pos++;
        }

        return pos;
    }
}
