using System;
using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// One setting as a listing shows it: the block and scope it belongs to, its name and value, and the assignment
/// behind it (null when the value is a default).
/// </summary>
public sealed class ExportedSetting
{
    /// <summary>Creates an entry.</summary>
    public ExportedSetting(FilterBlock? block, SettingsNode scope, string name, string value, SettingValue? assigned, bool isDefault)
    {
        Block = block;
        Scope = scope ?? throw new ArgumentNullException(nameof(scope));
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Value = value ?? throw new ArgumentNullException(nameof(value));
        Assigned = assigned;
        IsDefault = isDefault;
    }

    /// <summary>The filter block the value was assigned in; null for defaults.</summary>
    public FilterBlock? Block { get; }

    /// <summary>The scope holding the setting: a block's root or a section instance.</summary>
    public SettingsNode Scope { get; }

    /// <summary>The setting's name (for strlists such as <c>plugin { }</c>, the key).</summary>
    public string Name { get; }

    /// <summary>The value, normalised as doveconf prints it, secrets not hidden.</summary>
    public string Value { get; }

    /// <summary>The assignment, with its location; null for defaults.</summary>
    public SettingValue? Assigned { get; }

    /// <summary>Whether the value equals Dovecot's default.</summary>
    public bool IsDefault { get; }
}

/// <summary>
/// What <c>doveconf -n</c> prints, as entries rather than text, and a renderer for any subset of entries in the
/// same layout. The selection follows <see cref="DoveconfWriter"/>'s export rules (settings_export in doveconf).
/// </summary>
public static class DoveconfExport
{
    /// <summary>
    /// The settings <c>doveconf -n</c> prints, in block order: global settings assigned a non-default value,
    /// every assignment inside a filter, and the empty <c>string_vars</c> defaults doveconf always prints inside
    /// named sections. The names of named sections are not entries: doveconf prints them in section headers.
    /// </summary>
    public static IReadOnlyList<ExportedSetting> NonDefault(DovecotConfig config)
    {
        if (config == null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        var result = new List<ExportedSetting>();
        for (int i = 0; i < config.Blocks.Count; i++)
        {
            var block = config.Blocks[i];
            Collect(block, block.Root, changedOnly: i == 0, inUniqueList: false, result);
        }

        return result;
    }

    /// <summary>A value the way <c>doveconf -n</c> prints it after <c>name = </c>.</summary>
    public static string FormatValue(string name, string value, bool showSecrets) => DoveconfWriter.FormatValue(name, value, showSecrets);

    /// <summary>Renders any subset of entries in the <c>doveconf -n</c> layout (see <see cref="DoveconfWriter.Render(IEnumerable{ExportedSetting}, bool)"/>).</summary>
    public static string Render(IEnumerable<ExportedSetting> settings, bool showSecrets = false) => DoveconfWriter.Render(settings, showSecrets);

    /// <summary>A scope's place for people: <c>namespace inbox/mailbox Sent</c>, <c>passdb 0</c>, <c>plugin</c>; empty at the root.</summary>
    public static string DescribeScope(SettingsNode scope)
    {
        if (scope == null)
        {
            throw new ArgumentNullException(nameof(scope));
        }

        return string.Join("/", Ancestry(scope).Select(n => n.Definition.Kind == SectionKind.StrList ? n.Type : n.Type + " " + n.Name));
    }

    // doveconf's settings_export choice: the global block prints assigned values that differ from the default
    // (changedOnly); filter blocks and named sections print every assignment; named sections also print their
    // unassigned string_vars settings, which doveconf's comparison always finds changed.
    private static void Collect(FilterBlock block, SettingsNode node, bool changedOnly, bool inUniqueList, List<ExportedSetting> into)
    {
        var definition = node.Definition;
        if (definition.Kind == SectionKind.StrList)
        {
            foreach (var value in node.Values)
            {
                into.Add(new ExportedSetting(block, node, value.Name, value.Value, value, isDefault: false));
            }

            return;
        }

        foreach (var setting in definition.Settings.Values)
        {
            if (setting.Type == SettingType.Alias || (inUniqueList && setting.Name == definition.NameSetting))
            {
                continue;
            }

            var assigned = node.Get(setting.Name);
            if (assigned != null)
            {
                bool isDefault = SettingValueParser.IsDefault(setting, assigned.Value);
                if (inUniqueList || !changedOnly || !isDefault)
                {
                    into.Add(new ExportedSetting(block, node, setting.Name, assigned.Value, assigned, isDefault));
                }
            }
            else if (inUniqueList && setting.Type == SettingType.StringVars && !setting.NullDefault)
            {
                into.Add(new ExportedSetting(block, node, setting.Name, setting.Default, null, isDefault: true));
            }
        }

        foreach (var child in node.Children)
        {
            Collect(block, child, changedOnly, child.Definition.Kind == SectionKind.Unique, into);
        }
    }

    private static List<SettingsNode> Ancestry(SettingsNode scope)
    {
        var chain = new List<SettingsNode>();
        for (var node = scope; node.Parent != null; node = node.Parent)
        {
            chain.Add(node);
        }

        chain.Reverse();
        return chain;
    }
}
