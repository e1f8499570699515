using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.RepresentationModel;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// Every setting and section Dovecot 2.3.19 knows, with types and defaults. Read from the YAML data file that
/// tools/settings-schema/generate.py makes from doveconf and Dovecot's setting definitions.
/// </summary>
public sealed class SettingsSchema
{
    private const string ResourceName = "MailStorage.ConfigAnalyzer.Settings.dovecot-2.3.19.settings.yaml";
    private static readonly Lazy<SettingsSchema> Embedded = new Lazy<SettingsSchema>(LoadEmbedded);

    private SettingsSchema(string version, SectionDefinition root)
    {
        DovecotVersion = version;
        Root = root;
    }

    /// <summary>The Dovecot 2.3.19 schema shipped inside this assembly.</summary>
    public static SettingsSchema Dovecot23 => Embedded.Value;

    /// <summary>The Dovecot version the schema was generated from.</summary>
    public string DovecotVersion { get; }

    /// <summary>The root of dovecot.conf: global settings and top-level section types.</summary>
    public SectionDefinition Root { get; }

    /// <summary>Reads a schema from YAML text.</summary>
    public static SettingsSchema Parse(TextReader reader)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        var doc = (YamlMappingNode)stream.Documents[0].RootNode;
        string version = Scalar(doc, "dovecot") ?? "unknown";
        var root = new SectionDefinition(string.Empty, SectionKind.Unique, null);
        ReadBody(doc, root);
        return new SettingsSchema(version, root);
    }

    private static SettingsSchema LoadEmbedded()
    {
        using var stream = typeof(SettingsSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The settings schema resource " + ResourceName + " is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    private static void ReadBody(YamlMappingNode node, SectionDefinition into)
    {
        if (Child(node, "settings") is YamlMappingNode settings)
        {
            foreach (var entry in settings.Children)
            {
                string name = ((YamlScalarNode)entry.Key).Value ?? string.Empty;
                into.Settings[name] = ReadSetting(name, (YamlMappingNode)entry.Value);
            }
        }

        if (Child(node, "sections") is YamlMappingNode sections)
        {
            foreach (var entry in sections.Children)
            {
                string type = ((YamlScalarNode)entry.Key).Value ?? string.Empty;
                var body = (YamlMappingNode)entry.Value;
                var kind = (Scalar(body, "kind") ?? "unique") switch
                {
                    "unique" => SectionKind.Unique,
                    "list" => SectionKind.List,
                    "strlist" => SectionKind.StrList,
                    var other => throw new InvalidDataException("Unknown section kind '" + other + "' for section " + type),
                };
                var section = new SectionDefinition(type, kind, Scalar(body, "name"));
                ReadBody(body, section);
                if (Child(body, "instances") is YamlMappingNode instances)
                {
                    foreach (var instance in instances.Children)
                    {
                        section.BuiltInInstances.Add(((YamlScalarNode)instance.Key).Value ?? string.Empty);
                    }
                }

                into.Sections[type] = section;
            }
        }
    }

    private static SettingDefinition ReadSetting(string name, YamlMappingNode node)
    {
        string typeName = Scalar(node, "type") ?? "string";
        var type = typeName switch
        {
            "bool" => SettingType.Bool,
            "uint" => SettingType.UInt,
            "octal" => SettingType.Octal,
            "time" => SettingType.Time,
            "time_msecs" => SettingType.TimeMsecs,
            "size" => SettingType.Size,
            "port" => SettingType.Port,
            "string" => SettingType.String,
            "string_vars" => SettingType.StringVars,
            "enum" => SettingType.Enum,
            "alias" => SettingType.Alias,
            _ => throw new InvalidDataException("Unknown setting type '" + typeName + "' for setting " + name),
        };
        var values = Child(node, "values") is YamlSequenceNode seq
            ? seq.Children.Select(v => ((YamlScalarNode)v).Value ?? string.Empty).ToArray()
            : Array.Empty<string>();
        string? defaultText = Scalar(node, "default");
        bool nullDefault = Scalar(node, "null_default") == "true";
        return new SettingDefinition(name, type, defaultText ?? string.Empty, values, Scalar(node, "hidden") == "true", Scalar(node, "of"), nullDefault,
            Scalar(node, "always_printed") == "true", Scalar(node, "auth") == "true");
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;
}
