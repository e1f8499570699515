using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>A section type (or the root): the settings and section types valid inside it.</summary>
public sealed class SectionDefinition
{
    internal SectionDefinition(string type, SectionKind kind, string? nameSetting)
    {
        Type = type;
        Kind = kind;
        NameSetting = nameSetting;
    }

    /// <summary>The section type, e.g. <c>namespace</c>; empty for the root.</summary>
    public string Type { get; }

    /// <summary>How it behaves.</summary>
    public SectionKind Kind { get; }

    /// <summary>The setting the section's name fills (e.g. <c>name</c>), if any.</summary>
    public string? NameSetting { get; }

    /// <summary>Settings valid inside, by name.</summary>
    public IDictionary<string, SettingDefinition> Settings { get; } = new Dictionary<string, SettingDefinition>(System.StringComparer.Ordinal);

    /// <summary>Section types valid inside, by type.</summary>
    public IDictionary<string, SectionDefinition> Sections { get; } = new Dictionary<string, SectionDefinition>(System.StringComparer.Ordinal);

    /// <summary>Instances Dovecot defines by default, e.g. the <c>imap</c> and <c>auth</c> services.</summary>
    public ISet<string> BuiltInInstances { get; } = new HashSet<string>(System.StringComparer.Ordinal);

    /// <summary>Finds a setting by name, following aliases.</summary>
    public SettingDefinition? FindSetting(string name)
    {
        if (!Settings.TryGetValue(name, out var def))
        {
            return null;
        }

        return def.Type == SettingType.Alias && def.AliasOf != null && Settings.TryGetValue(def.AliasOf, out var target) ? target : def;
    }
}
