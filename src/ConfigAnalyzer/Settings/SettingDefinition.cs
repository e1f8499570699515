using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>One setting Dovecot knows: name, type, default and allowed values.</summary>
public sealed class SettingDefinition
{
    internal SettingDefinition(string name, SettingType type, string defaultValue, IReadOnlyList<string> values, bool hidden, string? aliasOf, bool nullDefault, bool alwaysPrinted = false, bool isAuth = false)
    {
        Name = name;
        Type = type;
        Default = defaultValue;
        Values = values;
        Hidden = hidden;
        AliasOf = aliasOf;
        NullDefault = nullDefault;
        AlwaysPrinted = alwaysPrinted;
        IsAuth = isAuth;
    }

    /// <summary>The setting's name.</summary>
    public string Name { get; }

    /// <summary>Its value type.</summary>
    public SettingType Type { get; }

    /// <summary>The default, as doveconf prints it.</summary>
    public string Default { get; }

    /// <summary>For enums, the allowed words in Dovecot's order (the first is the default).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Hidden from <c>doveconf -a</c> unless set.</summary>
    public bool Hidden { get; }

    /// <summary>For aliases, the setting this one names.</summary>
    public string? AliasOf { get; }

    /// <summary>The default is C's NULL rather than an empty string (never printed by doveconf when unchanged).</summary>
    public bool NullDefault { get; }

    /// <summary>Defined with different defaults by two of Dovecot's modules, so doveconf -n prints any assignment.</summary>
    public bool AlwaysPrinted { get; }

    /// <summary>Belongs to the auth process's settings, which doveconf refuses inside local and remote filters.</summary>
    public bool IsAuth { get; }
}
