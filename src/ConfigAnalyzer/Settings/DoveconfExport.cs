using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

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

    /// <summary>
    /// The settings <c>doveconf -a</c> prints, as entries: every top-level setting with its global value (defaults
    /// included, hidden ones only when set), then every assignment inside sections, then every assignment inside
    /// filter blocks.
    /// </summary>
    public static IReadOnlyList<ExportedSetting> All(DovecotConfig config)
    {
        if (config == null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        var result = RootSettings(config, config.Global.Root, _ => config.Global);
        foreach (var child in config.Global.Root.Children)
        {
            AddAssigned(child, _ => config.Global, result);
        }

        foreach (var block in config.Blocks.Skip(1))
        {
            AddAssigned(block.Root, _ => block, result);
        }

        return result;
    }

    /// <summary>
    /// The settings that apply to a connection, as <c>doveconf -f</c> prints them: each effective value labelled
    /// with the filter block that assigned it (null for defaults). With <paramref name="changedOnly"/>
    /// (<c>doveconf -n -f</c>), only values that differ from their defaults.
    /// </summary>
    public static IReadOnlyList<ExportedSetting> Effective(DovecotConfig config, ConfigFilter query, bool changedOnly)
    {
        if (config == null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        if (query == null)
        {
            throw new ArgumentNullException(nameof(query));
        }

        // The effective tree holds the very SettingValue objects of the blocks: their identity names the block.
        var origin = new Dictionary<SettingValue, FilterBlock>(ReferenceComparer.Instance);
        foreach (var block in config.Blocks)
        {
            IndexValues(block.Root, block, origin);
        }

        FilterBlock? BlockOf(SettingValue value) => origin.TryGetValue(value, out var b) ? b : null;
        var effective = config.GetEffective(query);
        var result = RootSettings(config, effective, BlockOf);
        foreach (var child in effective.Children)
        {
            AddAssigned(child, BlockOf, result);
        }

        return changedOnly ? result.Where(e => !e.IsDefault).ToList() : result;
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

    // Every schema setting of the root in name order: its assignment, or its default unless the setting is hidden.
    private static List<ExportedSetting> RootSettings(DovecotConfig config, SettingsNode root, Func<SettingValue, FilterBlock?> blockOf)
    {
        var result = new List<ExportedSetting>();
        foreach (var definition in config.Schema.Root.Settings.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (definition.Type == SettingType.Alias)
            {
                continue;
            }

            var assigned = root.Get(definition.Name);
            if (assigned != null)
            {
                result.Add(new ExportedSetting(blockOf(assigned), root, definition.Name, assigned.Value, assigned, SettingValueParser.IsDefault(definition, assigned.Value)));
            }
            else if (!definition.Hidden)
            {
                string value = definition.Type == SettingType.Enum && definition.Values.Count > 0 ? definition.Values[0] : definition.Default;
                result.Add(new ExportedSetting(null, root, definition.Name, value, null, isDefault: true));
            }
        }

        return result;
    }

    private static void AddAssigned(SettingsNode node, Func<SettingValue, FilterBlock?> blockOf, List<ExportedSetting> into)
    {
        // A named section's name is in its Section path (namespace inbox), as in doveconf's section headers.
        string? nameSetting = node.Definition.Kind == SectionKind.Unique ? node.Definition.NameSetting : null;
        foreach (var value in node.Values.Where(v => v.Name != nameSetting))
        {
            bool isDefault = value.Definition != null && SettingValueParser.IsDefault(value.Definition, value.Value);
            into.Add(new ExportedSetting(blockOf(value), node, value.Name, value.Value, value, isDefault));
        }

        foreach (var child in node.Children)
        {
            AddAssigned(child, blockOf, into);
        }
    }

    private static void IndexValues(SettingsNode node, FilterBlock block, Dictionary<SettingValue, FilterBlock> into)
    {
        foreach (var value in node.Values)
        {
            into[value] = block;
        }

        foreach (var child in node.Children)
        {
            IndexValues(child, block, into);
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

    // netstandard2.0 has no ReferenceEqualityComparer.
    private sealed class ReferenceComparer : IEqualityComparer<SettingValue>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(SettingValue? x, SettingValue? y) => ReferenceEquals(x, y);

        public int GetHashCode(SettingValue obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
