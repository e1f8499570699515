using System;
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
    [ArgumentCompleter(typeof(ConfigFilterCompleter))]
    public string[]? Filter { get; set; }

    /// <summary>Only settings whose names match one of these wildcard patterns (case-insensitive).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SettingNameCompleter))]
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

        var config = ConfigFileArgument.Read(this, Path, "GetMailStorageConfig", "GetMailStorageConfigParseFailed", out string path, read =>
        {
            new VerboseLog(this).ConfigFiles(read);
            foreach (var diagnostic in read.Diagnostics)
            {
                if (diagnostic.Severity == ConfigDiagnosticSeverity.Warning || diagnostic.Severity == ConfigDiagnosticSeverity.Error)
                {
                    WriteWarning(diagnostic.DoveconfText);
                }
            }
        });

        var entries = query == null
            ? NonDefault ? DoveconfExport.NonDefault(config) : DoveconfExport.All(config)
            : DoveconfExport.Effective(config, query, NonDefault);
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
}
