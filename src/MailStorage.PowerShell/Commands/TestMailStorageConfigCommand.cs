using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using MailStorage.PowerShell.Common;
using System.Text;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.FileSystems;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lints a Dovecot configuration against the storage it runs on and writes what is unsafe there.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MailStorageConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ProfileSet)]
[OutputType(typeof(StorageDiagnostic), typeof(bool))]
public sealed class TestMailStorageConfigCommand : PSCmdlet
{
    private const string ProfileSet = "Profile";
    private const string DetectSet = "Detect";
    private readonly List<LintResult> results = new();
    private readonly HashSet<string> linted = new(StringComparer.Ordinal);
    private StorageProfile? profile;

    /// <summary>
    /// The main configuration file (dovecot.conf). Files it includes are read relative to it, as doveconf does.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "ConfigPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// The storage profile (mailstorage.yaml): Dovecot version, topology, host count and the mounts under the mail
    /// paths. Without it only the rules that need no storage knowledge run.
    /// </summary>
    [Parameter(ParameterSetName = ProfileSet)]
    [ValidateNotNullOrEmpty]
    public string? ProfilePath { get; set; }

    /// <summary>
    /// Instead of a profile file, detect the storage on this host: the mounts under the paths the configuration
    /// uses, as Export-MailStorageProfile -ConfigPath makes them (topology single).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = DetectSet)]
    public SwitchParameter Detect { get; set; }

    /// <summary>The least severity to report: Info (everything), Warning, or Error.</summary>
    [Parameter]
    public StorageDiagnosticSeverity Severity { get; set; } = StorageDiagnosticSeverity.Info;

    /// <summary>Also write findings that a <c># mailstorage-disable-...</c> comment suppresses, with the comment's reason.</summary>
    [Parameter]
    public SwitchParameter IncludeSuppressed { get; set; }

    /// <summary>
    /// What Test-MailStorageCapability measured on this storage (its summary object). Its settings become the
    /// profile's requires: entries, and rule MSD007 reports every setting the configuration gives another value.
    /// </summary>
    [Parameter]
    public StorageRecommendation? Recommendation { get; set; }

    /// <summary>Also write the findings as a SARIF 2.1.0 log to this file (for CI and code-scanning services).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SarifPath { get; set; }

    /// <summary>Write only <c>$true</c> (no unsuppressed error) or <c>$false</c> per configuration, no findings.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (ProfilePath == null)
        {
            return;
        }

        string path = ProviderPath.ResolveOrThrow(this, ProfilePath, "TestMailStorageConfig");
        if (Directory.Exists(path))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("The storage profile '" + path + "' is a folder, not a file; give the profile file, e.g. " + System.IO.Path.Combine(path, "mailstorage.yaml") + "."),
                "TestMailStorageConfigProfilePathIsDirectory",
                ErrorCategory.InvalidArgument,
                ProfilePath));
        }

        if (!File.Exists(path))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ItemNotFoundException("Cannot find the storage profile '" + path + "'."),
                "TestMailStorageConfigProfileNotFound",
                ErrorCategory.ObjectNotFound,
                ProfilePath));
        }

        try
        {
            profile = StorageProfile.Load(path);
        }
        catch (StorageProfileException ex)
        {
            // The message is file:line:column: reason, as compilers print it.
            ThrowTerminatingError(new ErrorRecord(
                new InvalidDataException("The storage profile is not valid: " + ex.Message, ex),
                "TestMailStorageConfigProfileInvalid",
                ErrorCategory.InvalidData,
                ProfilePath));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string path = ConfigFileArgument.Resolve(this, Path, "TestMailStorageConfig");

        // The same file piped twice (Get-MailStorageConfig | Test-MailStorageConfig) is linted once.
        if (!linted.Add(path))
        {
            return;
        }

        // A configuration Dovecot refuses is a finding (MSD000), not a failure of this cmdlet.
        var config = ConfigReader.Read(path);
        foreach (var diagnostic in config.Diagnostics)
        {
            if (diagnostic.Severity == ConfigDiagnosticSeverity.Warning)
            {
                WriteVerbose("doveconf: " + diagnostic.DoveconfText);
            }
        }

        var storage = profile;
        if (Detect)
        {
            try
            {
                var export = ProfileExporter.Export(Array.Empty<string>(), config, Topology.Single, null, "(detected on " + Environment.MachineName + ")");
                foreach (var warning in export.Warnings)
                {
                    WriteWarning(path + ": " + warning);
                }

                storage = export.Profile;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
            {
                WriteError(new ErrorRecord(ex, "TestMailStorageConfigDetectFailed", ErrorCategory.ReadError, Path));
                return;
            }
        }

        if (Recommendation != null)
        {
            storage = (storage ?? new StorageProfile("2.3", Topology.Single, null, Array.Empty<MountDefinition>(), new Dictionary<string, string>(), "(measured)"))
                .WithRequirements(Recommendation.ToRequirements());
        }

        var result = ConfigLinter.Lint(config, storage, new LintOptions
        {
            MinimumSeverity = StorageDiagnostic.Convert(Severity),
            IncludeSuppressed = IncludeSuppressed,
        });
        WriteVerbose(path + ": " + result.Rules.Count + " rules ran" + (storage == null ? " (no storage profile: rules that need one were skipped)" : " against " + storage.SourcePath) +
            ", " + result.Diagnostics.Count + " findings");
        results.Add(result);

        if (Quiet)
        {
            WriteObject(!result.HasErrors);
            return;
        }

        foreach (var diagnostic in result.Diagnostics)
        {
            WriteObject(new StorageDiagnostic(diagnostic));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (SarifPath == null || results.Count == 0)
        {
            return;
        }

        string target = ProviderPath.ResolveOrThrow(this, SarifPath, "TestMailStorageConfig");
        int findings = 0;
        foreach (var result in results)
        {
            findings += result.Diagnostics.Count;
        }

        if (!ShouldProcess(target, "Write a SARIF log of " + findings + " findings"))
        {
            return;
        }

        string text = SarifWriter.Write(results, RuleCatalog.All);

        AtomicFile.Write(this, target, text, "SARIF log", "TestMailStorageConfigSarifWriteFailed", SarifPath);
    }
}
