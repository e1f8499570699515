using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MailStorage.PowerShell.Common;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads a Dovecot configuration as doveconf 2.3.19 does and writes its settings as objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailStorageConfig")]
[OutputType(typeof(DovecotSetting))]
public sealed class GetMailStorageConfigCommand : PSCmdlet
{
    /// <summary>
    /// The main configuration file (dovecot.conf). Files it includes are read relative to it, as doveconf does.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "ConfigPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// Only what <c>doveconf -n</c> prints: global settings that differ from their defaults, sections, and every
    /// setting inside a filter. With -Filter, only effective values that differ from their defaults.
    /// </summary>
    [Parameter]
    public SwitchParameter NonDefault { get; set; }

    /// <summary>
    /// The connection to report effective settings for, as doveconf's -f: <c>protocol=imap</c>,
    /// <c>local=10.0.0.1</c>, <c>local_name=mail.example.com</c>, <c>remote=192.0.2.0/24</c>, comma-separated or as
    /// several strings. Global settings are overlaid by every matching filter block, the most specific winning.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Filter { get; set; }

    /// <summary>Only settings whose names match one of these wildcard patterns (case-insensitive).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Show passwords, keys and credentials in values instead of hiding them as <c>doveconf -n</c> does (its -P).</summary>
    [Parameter]
    public SwitchParameter ShowSecrets { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ConfigFilter? query = null;
        if (Filter != null)
        {
            try
            {
                query = ConfigFilter.Parse(Filter);
            }
            catch (FormatException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "GetMailStorageConfigInvalidFilter", ErrorCategory.InvalidArgument, Filter));
            }
        }

        string path = ConfigFileArgument.Resolve(this, Path, "GetMailStorageConfig");

        var config = ConfigReader.Read(path);
        new VerboseLog(this).ConfigFiles(config);
        foreach (var diagnostic in config.Diagnostics)
        {
            if (diagnostic.Severity == ConfigDiagnosticSeverity.Warning || diagnostic.Severity == ConfigDiagnosticSeverity.Error)
            {
                WriteWarning(diagnostic.DoveconfText);
            }
        }

        var fatal = config.FatalError;
        if (fatal != null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidDataException(fatal.DoveconfText),
                "GetMailStorageConfigParseFailed",
                fatal.Location != null ? ErrorCategory.ParserError : ErrorCategory.InvalidData,
                path));
        }

        var entries = query == null
            ? NonDefault ? DoveconfExport.NonDefault(config) : AllSettings(config)
            : EffectiveSettings(config, query);
        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        if (patterns != null)
        {
            int all = entries.Count;
            entries = entries.Where(e => patterns.Any(p => p.IsMatch(e.Name))).ToList();
            WriteVerbose("Skipped " + (all - entries.Count) + " of " + all + " settings: their names match no -Name pattern.");
        }

        // A complete doveconf -n set: ConvertTo-DovecotConfig can then print it exactly as doveconf does.
        var batch = NonDefault && query == null && patterns == null ? new SettingBatch(config, entries.Count) : null;
        foreach (var entry in entries)
        {
            WriteObject(new DovecotSetting(entry, config, batch, ShowSecrets));
        }

        // As doveconf -n: the settings are printed, then the checks Dovecot would refuse to start on.
        foreach (var diagnostic in config.Diagnostics.Where(d => d.Severity == ConfigDiagnosticSeverity.CheckFailed))
        {
            WriteError(new ErrorRecord(
                new InvalidDataException(diagnostic.DoveconfText),
                "GetMailStorageConfigCheckFailed",
                ErrorCategory.InvalidData,
                path));
        }
    }

    // Every top-level setting with its global value (defaults included, hidden ones only when set, as doveconf -a),
    // then every assignment inside sections, then every assignment inside filter blocks.
    private static List<ExportedSetting> AllSettings(DovecotConfig config)
    {
        var result = RootSettings(config, config.Global.Root, _ => config.Global);
        foreach (var child in config.Global.Root.Children)
        {
            AddAssigned(child, config.Global, result);
        }

        foreach (var block in config.Blocks.Skip(1))
        {
            AddAssigned(block.Root, block, result);
        }

        return result;
    }

    // The settings that apply to the query, each labelled with the filter block that assigned it.
    private List<ExportedSetting> EffectiveSettings(DovecotConfig config, ConfigFilter query)
    {
        var origin = new Dictionary<SettingValue, FilterBlock>(ReferenceEqualityComparer.Instance);
        foreach (var block in config.Blocks)
        {
            IndexValues(block.Root, block, origin);
        }

        FilterBlock? BlockOf(SettingValue value) => origin.TryGetValue(value, out var b) ? b : null;
        var effective = config.GetEffective(query);
        var result = RootSettings(config, effective, BlockOf);
        foreach (var child in effective.Children)
        {
            AddAssigned(child, null, result, BlockOf);
        }

        return NonDefault ? result.Where(e => !e.IsDefault).ToList() : result;
    }

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

    private static void AddAssigned(SettingsNode node, FilterBlock? block, List<ExportedSetting> into, Func<SettingValue, FilterBlock?>? blockOf = null)
    {
        // A named section's name is in its Section path (namespace inbox), as in doveconf's section headers.
        string? nameSetting = node.Definition.Kind == SectionKind.Unique ? node.Definition.NameSetting : null;
        foreach (var value in node.Values.Where(v => v.Name != nameSetting))
        {
            bool isDefault = value.Definition != null && SettingValueParser.IsDefault(value.Definition, value.Value);
            into.Add(new ExportedSetting(blockOf != null ? blockOf(value) : block, node, value.Name, value.Value, value, isDefault));
        }

        foreach (var child in node.Children)
        {
            AddAssigned(child, block, into, blockOf);
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
}
