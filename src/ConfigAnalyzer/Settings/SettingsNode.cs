using System;
using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// The settings of one scope: the root of a filter block, or one section instance such as
/// <c>namespace inbox</c>. Holds only what the configuration assigned; defaults come from the definition.
/// An effective view (<see cref="DovecotConfig.GetEffective"/>) shares the nodes only one block contributes to,
/// so such a node's <see cref="Parent"/> is the equivalent scope of the block it came from.
/// </summary>
public sealed class SettingsNode
{
    private readonly Dictionary<string, SettingValue> values = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
    private readonly List<string> order = new List<string>();
    private readonly List<SettingsNode> children = new List<SettingsNode>();
    // Keyed by (type, key) rather than "type/key": a lookup per assignment then allocates nothing.
    private readonly Dictionary<(string Type, string Key), SettingsNode> childIndex = new Dictionary<(string Type, string Key), SettingsNode>();

    internal SettingsNode(SectionDefinition definition, string name, string key, SourceLocation location, SettingsNode? parent)
    {
        Definition = definition;
        Name = name;
        Key = key;
        Location = location;
        Parent = parent;
    }

    /// <summary>What may stand inside this scope.</summary>
    public SectionDefinition Definition { get; }

    /// <summary>The section type (<c>namespace</c>); empty for a filter block's root.</summary>
    public string Type => Definition.Type;

    /// <summary>The section's name as written (<c>Sent Messages</c>), or the counter doveconf gave an unnamed one.</summary>
    public string Name { get; }

    /// <summary>The name as doveconf keys it (escaped, or the counter).</summary>
    public string Key { get; }

    /// <summary>Where the section was first opened.</summary>
    public SourceLocation Location { get; }

    /// <summary>The enclosing scope; null for a filter block's root.</summary>
    public SettingsNode? Parent { get; }

    /// <summary>Assigned values in first-assignment order (the last assignment's value wins).</summary>
    public IEnumerable<SettingValue> Values
    {
        get
        {
            foreach (var name in order)
            {
                yield return values[name];
            }
        }
    }

    /// <summary>Section instances inside, in the order they were first opened.</summary>
    public IReadOnlyList<SettingsNode> Children => children;

    /// <summary>The path doveconf uses for this scope, e.g. <c>namespace/inbox/mailbox/Sent\_Messages/</c>.</summary>
    public string KeyPath => Parent == null ? string.Empty : Parent.KeyPath + Type + "/" + Key + "/";

    /// <summary>The assigned value of a setting, or null when the configuration leaves it at its default.</summary>
    public SettingValue? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

    /// <summary>The section instance of that type and key, if opened.</summary>
    public SettingsNode? FindChild(string type, string key) => childIndex.TryGetValue((type, key), out var n) ? n : null;

    internal void Set(SettingValue value)
    {
        if (!values.ContainsKey(value.Name))
        {
            order.Add(value.Name);
        }

        values[value.Name] = value;
    }

    internal SettingsNode GetOrAddChild(SectionDefinition definition, string name, string key, SourceLocation location)
    {
        var existing = FindChild(definition.Type, key);
        if (existing != null)
        {
            return existing;
        }

        var node = new SettingsNode(definition, name, key, location, this);
        AddChild(node);
        return node;
    }

    /// <summary>Adds a section instance not yet present (for a merged view, possibly a node of another tree).</summary>
    internal void AddChild(SettingsNode child)
    {
        children.Add(child);
        childIndex[(child.Type, child.Key)] = child;
    }
}
