using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>A value assigned in the configuration, where it was assigned, and how doveconf shows it.</summary>
public sealed class SettingValue
{
    internal SettingValue(string name, string value, string rawValue, SourceLocation location, ConfigLineKind origin, SettingDefinition? definition)
    {
        Name = name;
        Value = value;
        RawValue = rawValue;
        Location = location;
        Origin = origin;
        Definition = definition;
    }

    /// <summary>The setting's name (for strlists, the key).</summary>
    public string Name { get; }

    /// <summary>The value as doveconf prints it (normalised; <c>&lt;file</c> and unexpanded <c>$vars</c> kept as written).</summary>
    public string Value { get; }

    /// <summary>The value as written in the file, after unquoting and continuation.</summary>
    public string RawValue { get; }

    /// <summary>Where the key stands.</summary>
    public SourceLocation Location { get; }

    /// <summary>Plain value, <c>&lt;file</c> value, or value with variables.</summary>
    public ConfigLineKind Origin { get; }

    /// <summary>The setting's definition; null inside strlists such as <c>plugin { }</c>.</summary>
    public SettingDefinition? Definition { get; }
}
