using System;
using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// The settings of one scope: the root of a filter block, or one section instance such as
/// <c>namespace inbox</c>. Holds only what the configuration assigned; defaults come from the definition.
/// An effective view (<see cref="DovecotConfig.GetEffective"/>) shares what only one block contributes to: a
/// child of a merged scope is a view of that block's node (its own <see cref="Parent"/>, the block's settings
/// and children), and below it the block's nodes themselves, whose parents are the same scopes of that block.
/// </summary>
public sealed class SettingsNode
{
    private readonly Dictionary<string, SettingValue> values;
    private readonly List<string> order;
    private readonly List<SettingsNode> children;
    // Keyed by (type, key) rather than "type/key": a lookup per assignment then allocates nothing.
    private readonly Dictionary<(string Type, string Key), SettingsNode> childIndex;

    internal SettingsNode(SectionDefinition definition, string name, string key, SourceLocation location, SettingsNode? parent)
    {
        Definition = definition;
        Name = name;
        Key = key;
        Location = location;
        Parent = parent;
        values = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
        order = new List<string>();
        children = new List<SettingsNode>();
        childIndex = new Dictionary<(string Type, string Key), SettingsNode>();
    }

    // A view of another node's settings and children under another parent; never changed after it is made.
    private SettingsNode(SettingsNode source, SettingsNode parent)
    {
        Definition = source.Definition;
        Name = source.Name;
        Key = source.Key;
        Location = source.Location;
        Parent = parent;
        values = source.values;
        order = source.order;
        children = source.children;
        childIndex = source.childIndex;
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

    /// <summary>
    /// The same scope placed under <paramref name="parent"/>, sharing this node's settings and children: a merged
    /// view's child whose siblings (what doveconf lists and counts sections by) are the merged parent's.
    /// </summary>
    internal SettingsNode ViewUnder(SettingsNode parent) => new SettingsNode(this, parent);

    /// <summary>Adds a section instance not yet present.</summary>
    internal void AddChild(SettingsNode child)
    {
        children.Add(child);
        childIndex[(child.Type, child.Key)] = child;
    }
}
