using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>
/// Writes a <see cref="StorageProfile"/> as the YAML <see cref="StorageProfile.Parse"/> reads (the form documented
/// on <see cref="StorageProfile"/>): <c>dovecot</c>, <c>topology</c>, <c>hosts</c> when known, <c>mounts</c> with path,
/// type and options, and <c>rules</c> when there are overrides. Reading the text back gives the same profile.
/// </summary>
public static class StorageProfileWriter
{
    // Plain scalars that YAML would read as something other than the same string.
    private static readonly string[] Reserved = { "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n" };

    /// <summary>The profile as YAML, lines ending in <c>\n</c>.</summary>
    public static string ToYaml(StorageProfile profile) => ToYaml(profile, Array.Empty<string>());

    /// <summary>
    /// The profile as YAML, after a header of comment lines (each written as <c># line</c>), e.g. where and when it
    /// was detected.
    /// </summary>
    public static string ToYaml(StorageProfile profile, IEnumerable<string> headerComments)
    {
        if (profile == null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        var text = new StringBuilder();
        foreach (var comment in headerComments ?? Array.Empty<string>())
        {
            foreach (var line in comment.Replace("\r", string.Empty).Split('\n'))
            {
                text.Append(line.Length == 0 ? "#" : "# " + line).Append('\n');
            }
        }

        text.Append("dovecot: ").Append(Quote(profile.DovecotVersion, always: true)).Append('\n');
        text.Append("topology: ").Append(TopologyWord(profile.Topology)).Append('\n');
        if (profile.Hosts is int hosts)
        {
            text.Append("hosts: ").Append(hosts.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        if (profile.Mounts.Count == 0)
        {
            text.Append("mounts: []\n");
        }
        else
        {
            text.Append("mounts:\n");
            foreach (var mount in profile.Mounts)
            {
                text.Append("  - path: ").Append(Quote(mount.Path)).Append('\n');
                text.Append("    type: ").Append(Quote(mount.TypeName)).Append('\n');
                if (mount.Options.Count > 0)
                {
                    text.Append("    options: [").Append(string.Join(", ", mount.Options.Select(o => Quote(o)))).Append("]\n");
                }
            }
        }

        if (profile.SeverityOverrides.Count > 0)
        {
            text.Append("rules:\n");
            foreach (var rule in profile.SeverityOverrides.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                text.Append("  ").Append(Quote(rule.Key)).Append(": ").Append(Quote(rule.Value)).Append('\n');
            }
        }

        if (profile.Requirements.Count > 0)
        {
            text.Append("requires:\n");
            foreach (var requirement in profile.Requirements)
            {
                text.Append("  ").Append(Quote(requirement.Setting)).Append(": { value: ").Append(Quote(requirement.Value, always: true));
                if (requirement.Reason.Length > 0)
                {
                    text.Append(", reason: ").Append(Quote(requirement.Reason, always: true));
                }

                text.Append(" }\n");
            }
        }

        return text.ToString();
    }

    private static string TopologyWord(Topology topology) => topology switch
    {
        Topology.Sticky => "sticky",
        Topology.Random => "random",
        _ => "single",
    };

    // Plain when the scalar is made of characters that mean nothing to YAML, in block and flow context alike;
    // double-quoted with escapes otherwise.
    private static string Quote(string value, bool always = false)
    {
        bool plain = !always && Array.IndexOf(Reserved, value.ToLowerInvariant()) < 0 && value[0] != '-' && value.All(IsPlain);
        if (plain)
        {
            return value;
        }

        var quoted = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\r': quoted.Append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        quoted.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(c);
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    private static bool IsPlain(char c) =>
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' || c == '=' || c == '-' || c == '+' || c == '@';
}
