using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Text;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Writes a lint result as SARIF 2.1.0 (the static-analysis format CI systems and code-scanning services
/// read): one run whose driver lists every rule, and one result per finding with its file, line and column.
/// Files under the linted configuration's folder get URIs relative to it (<c>uriBaseId</c> CONFIGDIR, whose
/// absolute <c>file://</c> URI is in <c>originalUriBaseIds</c>); other files get absolute <c>file://</c> URIs.
/// Suppressed findings carry an <c>inSource</c> suppression with the comment's reason.
/// </summary>
/// <remarks>
/// The JSON is written by hand: netstandard2.0 has no System.Text.Json, and the analyzer must not drag a
/// serializer into the compiler's process.
/// </remarks>
public static class SarifWriter
{
    /// <summary>The SARIF schema the output follows.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The project's home page, the driver's <c>informationUri</c>.</summary>
    public const string InformationUri = "https://github.com/MailStorage/MailStorage";

    /// <summary>The <c>uriBaseId</c> of files under the configuration's folder.</summary>
    public const string ConfigDirectoryBaseId = "CONFIGDIR";

    /// <summary>
    /// The SARIF log of <paramref name="result"/>. <paramref name="allRules"/> are listed in the driver (every
    /// rule, not only those that ran or fired); each result's <c>ruleIndex</c> points into that list.
    /// </summary>
    public static string Write(LintResult result, IReadOnlyList<ConfigRule> allRules)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        return Write(new[] { result }, allRules);
    }

    /// <summary>One SARIF log with a run per lint result (several configurations linted in one go).</summary>
    public static string Write(IEnumerable<LintResult> results, IReadOnlyList<ConfigRule> allRules)
    {
        if (results == null)
        {
            throw new ArgumentNullException(nameof(results));
        }

        if (allRules == null)
        {
            throw new ArgumentNullException(nameof(allRules));
        }

        var runs = new List<object?>();
        foreach (var result in results)
        {
            runs.Add(Run(result, allRules));
        }

        var log = new JsonObject
        {
            { "$schema", SchemaUri },
            { "version", "2.1.0" },
            { "runs", runs },
        };

        var text = new StringBuilder();
        WriteValue(text, log, 0);
        text.Append('\n');
        return text.ToString();
    }

    private static JsonObject Run(LintResult result, IReadOnlyList<ConfigRule> allRules)
    {
        string configDirectory = DirectoryOf(result.Config.Path);
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new List<object?>();
        foreach (var rule in allRules)
        {
            if (ruleIndex.ContainsKey(rule.Id))
            {
                continue;
            }

            ruleIndex[rule.Id] = rules.Count;
            rules.Add(new JsonObject
            {
                { "id", rule.Id },
                { "name", NameOf(rule) },
                { "shortDescription", new JsonObject { { "text", rule.Title } } },
                { "helpUri", rule.HelpUri },
                { "defaultConfiguration", new JsonObject { { "level", Level(rule.DefaultSeverity) } } },
            });
        }

        var results = new List<object?>();
        foreach (var d in result.Diagnostics)
        {
            var entry = new JsonObject { { "ruleId", d.RuleId } };
            if (ruleIndex.TryGetValue(d.RuleId, out int index))
            {
                entry.Add("ruleIndex", index);
            }

            entry.Add("level", Level(d.Severity));
            entry.Add("message", new JsonObject { { "text", d.Message } });
            entry.Add("locations", new List<object?> { Location(d, configDirectory) });
            if (d.IsSuppressed)
            {
                entry.Add("suppressions", new List<object?>
                {
                    new JsonObject { { "kind", "inSource" }, { "justification", d.SuppressionReason ?? string.Empty } },
                });
            }

            if (d.Filter.Length > 0)
            {
                entry.Add("properties", new JsonObject { { "filter", d.Filter } });
            }

            results.Add(entry);
        }

        var driver = new JsonObject
        {
            { "name", "MailStorage" },
            { "informationUri", InformationUri },
            { "version", ToolVersion() },
            { "rules", rules },
        };
        return new JsonObject
        {
            { "tool", new JsonObject { { "driver", driver } } },
            { "originalUriBaseIds", new JsonObject { { ConfigDirectoryBaseId, new JsonObject { { "uri", FileUri(configDirectory, isDirectory: true) } } } } },
            { "results", results },
        };
    }

    private static JsonObject Location(LintDiagnostic d, string configDirectory)
    {
        string full = Path.GetFullPath(d.File);
        var artifact = new JsonObject();
        if (full.StartsWith(configDirectory, StringComparison.Ordinal))
        {
            artifact.Add("uri", EscapePath(full.Substring(configDirectory.Length)));
            artifact.Add("uriBaseId", ConfigDirectoryBaseId);
        }
        else
        {
            artifact.Add("uri", FileUri(full, isDirectory: false));
        }

        var region = new JsonObject { { "startLine", Math.Max(1, d.Line) }, { "startColumn", Math.Max(1, d.Column) } };
        return new JsonObject
        {
            { "physicalLocation", new JsonObject { { "artifactLocation", artifact }, { "region", region } } },
        };
    }

    // The configuration's folder, absolute, with a trailing slash.
    private static string DirectoryOf(string configPath)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? "/";
        return directory.EndsWith("/", StringComparison.Ordinal) ? directory : directory + "/";
    }

    // "MSD010MmapOnSharedStorage" -> "MmapOnSharedStorage": the class name without its id.
    private static string NameOf(ConfigRule rule)
    {
        string type = rule.GetType().Name;
        return type.StartsWith(rule.Id, StringComparison.Ordinal) && type.Length > rule.Id.Length ? type.Substring(rule.Id.Length) : type;
    }

    private static string Level(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Error => "error",
        RuleSeverity.Warning => "warning",
        _ => "note",
    };

    private static string ToolVersion()
    {
        var assembly = typeof(SarifWriter).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return string.IsNullOrEmpty(version) ? assembly.GetName().Version?.ToString() ?? "0.0.0" : version!;
    }

    // An absolute path as a file:// URI (RFC 8089), every byte outside the unreserved set percent-encoded.
    private static string FileUri(string absolutePath, bool isDirectory)
    {
        string path = absolutePath.Replace('\\', '/');
        if (!path.StartsWith("/", StringComparison.Ordinal))
        {
            path = "/" + path;
        }

        if (isDirectory && !path.EndsWith("/", StringComparison.Ordinal))
        {
            path += "/";
        }

        return "file://" + EscapePath(path);
    }

    // Percent-encodes a path for a URI, keeping '/' and the unreserved characters of RFC 3986.
    private static string EscapePath(string path)
    {
        var text = new StringBuilder(path.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(path))
        {
            char c = (char)b;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static void WriteValue(StringBuilder text, object? value, int depth)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case string s:
                WriteString(text, s);
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case int i:
                text.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonObject o:
                WriteObject(text, o, depth);
                break;
            case List<object?> list:
                WriteArray(text, list, depth);
                break;
            default:
                throw new ArgumentException("cannot write a " + value.GetType().Name + " as JSON", nameof(value));
        }
    }

    private static void WriteObject(StringBuilder text, JsonObject o, int depth)
    {
        if (o.Count == 0)
        {
            text.Append("{}");
            return;
        }

        text.Append('{');
        for (int i = 0; i < o.Count; i++)
        {
            text.Append(i == 0 ? "\n" : ",\n");
            Indent(text, depth + 1);
            WriteString(text, o[i].Key);
            text.Append(": ");
            WriteValue(text, o[i].Value, depth + 1);
        }

        text.Append('\n');
        Indent(text, depth);
        text.Append('}');
    }

    private static void WriteArray(StringBuilder text, List<object?> list, int depth)
    {
        if (list.Count == 0)
        {
            text.Append("[]");
            return;
        }

        text.Append('[');
        for (int i = 0; i < list.Count; i++)
        {
            text.Append(i == 0 ? "\n" : ",\n");
            Indent(text, depth + 1);
            WriteValue(text, list[i], depth + 1);
        }

        text.Append('\n');
        Indent(text, depth);
        text.Append(']');
    }

    private static void Indent(StringBuilder text, int depth) => text.Append(' ', depth * 2);

    // A JSON string (RFC 8259): quotes, backslashes and control characters escaped; an unpaired surrogate,
    // which no UTF-8 writer can encode, as its \u escape.
    private static void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                default:
                    bool paired = char.IsHighSurrogate(c) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])
                        : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(s[i - 1]));
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || !paired)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    // A JSON object whose members keep the order they were added in.
    private sealed class JsonObject : List<KeyValuePair<string, object?>>
    {
        public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
    }
}
