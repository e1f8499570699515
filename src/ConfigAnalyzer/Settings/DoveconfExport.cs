using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MailStorage.ConfigAnalyzer.Syntax;

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
    /// A value the way <c>doveconf -n</c> prints it after <c>name = </c>: quoted when needed, and with secrets
    /// (passwords, keys, <c>password=</c> in connection strings, URL credentials) hidden unless
    /// <paramref name="showSecrets"/>.
    /// </summary>
    public static string FormatValue(string name, string value, bool showSecrets)
    {
        if (name == null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        if (value == null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        if (showSecrets)
        {
            return DoveconfWriter.QuoteValue(value);
        }

        // Let the writer print a one-entry strlist, so hiding stays exactly the writer's.
        var location = new SourceLocation(string.Empty, 0, 0);
        var root = new SettingsNode(new SectionDefinition(string.Empty, SectionKind.StrList, null), string.Empty, string.Empty, location, null);
        root.Set(new SettingValue(name, value, value, location, ConfigLineKind.KeyValue, null));
        var block = new FilterBlock(ConfigFilter.Global, root, null);
        var config = new DovecotConfig(string.Empty, SettingsSchema.Dovecot23, new[] { block }, Array.Empty<string>(), new List<ConfigDiagnostic>());
        string line = DoveconfWriter.Render(config, showSecrets: false);
        string prefix = name + " = ";
        return line.StartsWith(prefix, StringComparison.Ordinal) ? line.Substring(prefix.Length).TrimEnd('\n') : DoveconfWriter.QuoteValue(value);
    }

    /// <summary>
    /// Renders entries in the <c>doveconf -n</c> layout: the global ones first, then one block per filter (in the
    /// order first met), sections nested with two-space indents, keys sorted as doveconf sorts them.
    /// Every entry given is printed, defaults included.
    /// </summary>
    public static string Render(IEnumerable<ExportedSetting> settings, bool showSecrets = false)
    {
        if (settings == null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        var groups = new List<(ConfigFilter Filter, int Rank, Scope Root)>();
        foreach (var setting in settings)
        {
            var filter = setting.Block?.Filter ?? ConfigFilter.Global;
            int index = groups.FindIndex(g => g.Filter.Equals(filter));
            if (index < 0)
            {
                groups.Add((filter, filter.IsGlobal ? -1 : groups.Count, new Scope(string.Empty)));
                index = groups.Count - 1;
            }

            var scope = groups[index].Root;
            foreach (var node in Ancestry(setting.Scope))
            {
                scope = scope.Child(node);
            }

            scope.Settings.Add((setting.Name, setting.Value));
        }

        var output = new StringBuilder();
        foreach (var group in groups.OrderBy(g => g.Rank))
        {
            int indent = FilterHeader(group.Filter, output);
            WriteScope(group.Root, output, indent, showSecrets);
            while (indent > 0)
            {
                indent--;
                output.Append(' ', indent * 2).Append("}\n");
            }
        }

        return output.ToString();
    }

    /// <summary>A scope's place for people: <c>namespace inbox/mailbox Sent</c>, <c>passdb 0</c>, <c>plugin</c>; empty at the root.</summary>
    public static string DescribeScope(SettingsNode scope)
    {
        if (scope == null)
        {
            throw new ArgumentNullException(nameof(scope));
        }

        return string.Join("/", Ancestry(scope).Select(n => n.Definition.Kind == SectionKind.StrList ? n.Type : n.Type + " " + n.Name));
    }

    // The same choice as DoveconfWriter.ExportInto, kept entry by entry instead of as key=value strings.
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
                into.Add(new ExportedSetting(null, node, setting.Name, setting.Default, null, isDefault: true));
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

    private static int FilterHeader(ConfigFilter filter, StringBuilder sb)
    {
        int indent = 0;
        void Open(string keyword, string? value)
        {
            if (value != null)
            {
                sb.Append(' ', indent * 2).Append(keyword).Append(' ').Append(value).Append(" {\n");
                indent++;
            }
        }

        Open("local", filter.Local?.ToString());
        Open("local_name", filter.LocalName);
        Open("remote", filter.Remote?.ToString());
        Open("protocol", filter.Protocol);
        return indent;
    }

    private static void WriteScope(Scope scope, StringBuilder output, int indent, bool showSecrets)
    {
        var items = new List<(string Key, Action Write)>();
        foreach (var (name, value) in scope.Settings)
        {
            items.Add((name, () => output.Append(' ', indent * 2).Append(name).Append(" = ").Append(FormatValue(name, value, showSecrets)).Append('\n')));
        }

        foreach (var child in scope.Children)
        {
            items.Add((child.SortKey, () =>
            {
                output.Append(' ', indent * 2).Append(child.Header).Append(" {\n");
                WriteScope(child, output, indent + 1, showSecrets);
                output.Append(' ', indent * 2).Append("}\n");
            }));
        }

        foreach (var item in items.Select((x, i) => (x, i)).OrderBy(x => x.x.Key, StringComparer.Ordinal).ThenBy(x => x.i))
        {
            item.x.Write();
        }
    }

    private sealed class Scope
    {
        public Scope(string header, string sortKey = "")
        {
            Header = header;
            SortKey = sortKey;
        }

        public string Header { get; }

        public string SortKey { get; }

        public List<(string Name, string Value)> Settings { get; } = new List<(string, string)>();

        public List<Scope> Children { get; } = new List<Scope>();

        public Scope Child(SettingsNode node)
        {
            string sortKey = node.Type + "/" + node.Key + "/";
            var existing = Children.FirstOrDefault(c => c.SortKey == sortKey);
            if (existing != null)
            {
                return existing;
            }

            // As doveconf: a named section shows the value of its name setting; list elements show no name.
            string header = node.Type;
            string name = node.Definition.Kind == SectionKind.Unique && node.Definition.NameSetting != null
                ? node.Get(node.Definition.NameSetting)?.Value ?? string.Empty
                : string.Empty;
            if (name.Length > 0)
            {
                header += name.IndexOf(' ') < 0 ? " " + name : " \"" + SettingValueParser.EscapeForDisplay(name) + "\"";
            }

            var scope = new Scope(header, sortKey);
            Children.Add(scope);
            return scope;
        }
    }

}
