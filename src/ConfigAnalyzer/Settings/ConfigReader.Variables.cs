using System;
using System.IO;
using System.Text;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <content>Value expansion: $variables, $ENV: and &lt;file values, as doveconf expands them while reading.</content>
public sealed partial class ConfigReader
{
    private string ReadKeyFile(Input input, string key, string value)
    {
        string path = RelativeTo(input.Path, value);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            error = current.KeyPrefix + key + ": Can't open file " + path + ": " + Errno.Describe(e);
            return string.Empty;
        }
    }

    // Token-wise expansion as doveconf does it: tokens are split at spaces and re-joined with one space; a token
    // that starts with '$' is a variable. Without ExpandValues only a reference to the setting itself expands.
    private string ExpandVariables(string key, string value)
    {
        var sb = new StringBuilder();
        int pos = 0;
        while (true)
        {
            int end = value.IndexOf(' ', pos);
            string token = end < 0 ? value.Substring(pos) : value.Substring(pos, end - pos);
            string varName = token.StartsWith("$", StringComparison.Ordinal) ? token.Substring(1) : token;
            bool selfReference = varName == key;
            if (!token.StartsWith("$", StringComparison.Ordinal) || (pos > 0 && !ConfigLineParser.IsWhite(value[pos - 1])))
            {
                sb.Append(token);
            }
            else if (!options.ExpandValues && !selfReference)
            {
                sb.Append(token);
            }
            else if (token.StartsWith("$ENV:", StringComparison.Ordinal))
            {
                string envName = token.Substring(5);
                string? envValue = options.Environment != null
                    ? (options.Environment.TryGetValue(envName, out var v) ? v : null)
                    : System.Environment.GetEnvironmentVariable(envName);
                sb.Append(envValue ?? string.Empty);
            }
            else
            {
                string? resolved = LookupVariable(varName, selfReference, out bool isList);
                if (isList)
                {
                    error = "Invalid variable: $" + varName;
                    return string.Empty;
                }

                if (resolved == null)
                {
                    error = "Unknown variable: $" + varName;
                    return string.Empty;
                }

                sb.Append(resolved);
            }

            if (end < 0)
            {
                break;
            }

            sb.Append(' ');
            pos = end;
            while (pos < value.Length && ConfigLineParser.IsWhite(value[pos]))
            {
                pos++;
            }
        }

        return sb.ToString();
    }

    // A variable names a root setting: the value assigned in the current filter, or for a self reference the
    // value the enclosing scopes give it, else its default.
    private string? LookupVariable(string name, bool fromParent, out bool isList)
    {
        isList = schema.Root.Sections.ContainsKey(name);
        if (isList)
        {
            return null;
        }

        var definition = schema.Root.FindSetting(name);
        if (definition == null)
        {
            return null;
        }

        for (var section = current; section != null; section = section.Parent)
        {
            var assigned = section.Block.Root.Get(definition.Name);
            if (assigned != null)
            {
                return assigned.Value;
            }

            if (!fromParent)
            {
                break;
            }
        }

        return definition.Type == SettingType.Enum && definition.Values.Count > 0 ? definition.Values[0] : definition.Default;
    }
}
