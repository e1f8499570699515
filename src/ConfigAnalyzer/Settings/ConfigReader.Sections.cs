using System.Collections.Generic;
using System.Globalization;
using System.Text;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <content>Sections: opening one (or a dead end for "setting {"), the settings node it writes to, and section keys.</content>
public sealed partial class ConfigReader
{
    private static readonly char[] CharsToEscape = { '=', '/', '\\', ' ', ',' };

    private int sectionCounter;

    private void BeginSection(ConfigLine line, SourceLocation location)
    {
        string key = line.Key, name = line.Value;
        if (TryBeginFilter(key, name, location))
        {
            return;
        }

        var parentDefinition = current.Definition;
        string sectionKey = name.Length == 0 ? (sectionCounter++).ToString(CultureInfo.InvariantCulture) : EscapeSectionName(name);
        if (current.Role == SectionRole.DeadEnd || !parentDefinition.Sections.TryGetValue(key, out var definition))
        {
            if (current.Role != SectionRole.DeadEnd && parentDefinition.Kind == SectionKind.StrList)
            {
                error = "Section not allowed here";
                return;
            }

            var setting = current.Role == SectionRole.DeadEnd ? null : parentDefinition.FindSetting(key);
            if (setting == null)
            {
                error = "Unknown setting: " + FullPath(key, key);
                return;
            }

            // doveconf takes "setting [name] {" as an assignment of the name (or a counter) to that setting,
            // and then knows nothing inside it.
            SetValue(key, sectionKey, sectionKey, ConfigLineKind.KeyValue, location);
            if (error != null)
            {
                return;
            }

            var deadDefinition = new SectionDefinition(key, SectionKind.Setting, null);
            current = new Section(current, SectionRole.DeadEnd, key, current.Filter, current.Block, current.Path, deadDefinition, location) { KeyPrefixOverride = current.KeyPrefix + key + "/" + sectionKey + "/" };
            return;
        }

        if (definition.Kind == SectionKind.StrList)
        {
            // Every block of a strlist such as plugin { } adds to the one list.
            sectionKey = string.Empty;
        }
        else if (definition.Kind == SectionKind.List && name.Length > 0 && ResolveNode(current).FindChild(key, sectionKey) != null)
        {
            error = current.KeyPrefix + key + "/" + sectionKey + " already exists";
            return;
        }

        var path = new List<PathStep>(current.Path) { new PathStep(definition, name, sectionKey, location) };
        var section = new Section(current, SectionRole.Section, key, current.Filter, current.Block, path, definition, location);
        var node = ResolveNode(section);
        var nameSetting = definition.NameSetting == null ? null : definition.FindSetting(definition.NameSetting);
        if (nameSetting != null && definition.Kind != SectionKind.StrList)
        {
            node.Set(new SettingValue(nameSetting.Name, name, name, location, ConfigLineKind.KeyValue, nameSetting));
        }

        current = section;
    }

    // A section's node never changes once made, so it is looked up once per section, not once per assignment.
    private static SettingsNode ResolveNode(Section section) => section.Node ??= FindOrCreateNode(section);

    private static SettingsNode FindOrCreateNode(Section section)
    {
        var node = section.Block.Root;
        foreach (var step in section.Path)
        {
            var parent = node;
            node = parent.FindChild(step.Definition.Type, step.Key) ?? CreateSection(parent, step);
        }

        return node;
    }

    private static SettingsNode CreateSection(SettingsNode parent, PathStep step)
    {
        var node = parent.GetOrAddChild(step.Definition, step.Name, step.Key, step.Location);
        var nameDef = step.Definition.NameSetting == null ? null : step.Definition.FindSetting(step.Definition.NameSetting);
        if (nameDef != null && step.Definition.Kind != SectionKind.StrList)
        {
            node.Set(new SettingValue(nameDef.Name, step.Name, step.Name, step.Location, ConfigLineKind.KeyValue, nameDef));
        }

        return node;
    }

    /// <summary>Escapes a section name the way Dovecot keys it (settings_section_escape).</summary>
    public static string EscapeSectionName(string name)
    {
        if (name.IndexOfAny(CharsToEscape) < 0)
        {
            return name;
        }

        var sb = new StringBuilder(name.Length + 8);
        foreach (char c in name)
        {
            switch (c)
            {
                case '=': sb.Append("\\e"); break;
                case '/': sb.Append("\\s"); break;
                case '\\': sb.Append("\\\\"); break;
                case ' ': sb.Append("\\_"); break;
                case ',': sb.Append("\\+"); break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    internal enum SectionRole
    {
        Root,
        Filter,
        Section,
        DeadEnd,
    }

    internal sealed class PathStep
    {
        public PathStep(SectionDefinition definition, string name, string key, SourceLocation location)
        {
            Definition = definition;
            Name = name;
            Key = key;
            Location = location;
        }

        public SectionDefinition Definition { get; }

        public string Name { get; }

        public string Key { get; }

        public SourceLocation Location { get; }
    }

    internal sealed class Section
    {
        public Section(Section? parent, SectionRole role, string type, ConfigFilter filter, FilterBlock block, List<PathStep> path, SectionDefinition definition, SourceLocation opened)
        {
            Parent = parent;
            Role = role;
            Type = type;
            Filter = filter;
            Block = block;
            Path = path;
            Definition = definition;
            Opened = opened;
        }

        public Section? Parent { get; }

        public SectionRole Role { get; }

        public string Type { get; }

        public ConfigFilter Filter { get; }

        public FilterBlock Block { get; }

        public List<PathStep> Path { get; }

        public SectionDefinition Definition { get; }

        public SourceLocation Opened { get; }

        public string? KeyPrefixOverride { get; set; }

        // Built once per section: every assignment in it asks.
        public string KeyPrefix => KeyPrefixOverride ??= BuildKeyPrefix();

        public SettingsNode? Node { get; set; }

        private string BuildKeyPrefix()
        {
            if (Path.Count == 0)
            {
                return string.Empty;
            }

            var sb = new StringBuilder();
            foreach (var step in Path)
            {
                sb.Append(step.Definition.Type).Append('/').Append(step.Key).Append('/');
            }

            return sb.ToString();
        }
    }
}
