using System;
using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// A Dovecot configuration as doveconf understands it: the blocks of settings per filter, every file read,
/// and what doveconf would have warned about or refused.
/// </summary>
public sealed class DovecotConfig
{
    internal DovecotConfig(string path, SettingsSchema schema, IReadOnlyList<FilterBlock> blocks, IReadOnlyList<string> files, List<ConfigDiagnostic> diagnostics)
    {
        Path = path;
        Schema = schema;
        Blocks = blocks;
        Files = files;
        Diagnostics = diagnostics;
    }

    /// <summary>The main file, spelled as given.</summary>
    public string Path { get; }

    /// <summary>The schema the settings were checked against.</summary>
    public SettingsSchema Schema { get; }

    /// <summary>Blocks of settings, the global one first, then filters in the order they were first opened.</summary>
    public IReadOnlyList<FilterBlock> Blocks { get; }

    /// <summary>The global block.</summary>
    public FilterBlock Global => Blocks[0];

    /// <summary>Every file read, in reading order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Comment lines addressed to MailStorage (<c># mailstorage-disable-next-line ...</c>), in reading order.</summary>
    public IReadOnlyList<ConfigComment> Directives { get; internal set; } = Array.Empty<ConfigComment>();

    /// <summary>Warnings, failed checks and the fatal error, in the order found.</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    /// <summary>The error that stopped reading, if any. The blocks then hold what was read before it.</summary>
    public ConfigDiagnostic? FatalError => Diagnostics.FirstOrDefault(d => d.Severity == ConfigDiagnosticSeverity.Fatal);

    /// <summary>The settings that apply to <paramref name="query"/>: global ones overlaid by every matching filter, most specific last.</summary>
    public SettingsNode GetEffective(ConfigFilter query) => ConfigMerger.Merge(this, query, out _);

    /// <summary>
    /// The effective value of a root setting for <paramref name="query"/> (global when null): assigned, or else
    /// the default. Null when the setting is unknown.
    /// </summary>
    public string? GetValue(string name, ConfigFilter? query = null)
    {
        var effective = GetEffective(query ?? ConfigFilter.Global);
        var assigned = effective.Get(name);
        if (assigned != null)
        {
            return assigned.Value;
        }

        var def = Schema.Root.FindSetting(name);
        return def == null ? null : def.Type == SettingType.Enum && def.Values.Count > 0 ? def.Values[0] : def.Default;
    }

    /// <summary>The protocols used in filters (<c>protocol imap { }</c> ...), in first-use order.</summary>
    public IEnumerable<string> FilterProtocols =>
        Blocks.Select(b => b.Filter.Protocol).Where(p => p != null).Select(p => p!).Distinct(StringComparer.Ordinal);
}
