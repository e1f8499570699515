using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.FileSystems;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes the storage profile (mailstorage.yaml) of the mounts under the given paths, or under the paths a Dovecot configuration uses, as they are on this host.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "MailStorageProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(string))]
public sealed class ExportMailStorageProfileCommand : PSCmdlet
{
    private readonly List<DetectedFileSystem> detected = new();
    private readonly List<string> warnings = new();

    /// <summary>
    /// Files or folders whose mounts go into the profile; each must exist. Takes strings and FullName from the
    /// pipeline.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>
    /// A Dovecot configuration (dovecot.conf) whose mail paths go into the profile too: the folder before the first
    /// variable of mail_location, namespace locations (with INDEX, CONTROL, VOLATILEDIR, LISTINDEX, ALT) and
    /// mail_home. Those folders need not exist yet: the nearest existing parent is looked at.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>How users reach the hosts that share the storage: Single (default), Sticky or Random.</summary>
    /// <remarks>
    /// A string, not ConfigAnalyzer's enum: a value-type field of a cmdlet is loaded with the cmdlet's type, before
    /// the module's load context can resolve ConfigAnalyzer.
    /// </remarks>
    [Parameter]
    [ValidateSet("Single", "Sticky", "Random", IgnoreCase = true)]
    public string Topology { get; set; } = "Single";

    /// <summary>How many hosts share the storage; left out of the profile when not given.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Hosts { get; set; }

    /// <summary>Write the profile to this file (replacing it) instead of writing it to the pipeline.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>
    /// What Test-MailStorageCapability measured (its summary object): written as the profile's requires:, so a
    /// lint in CI holds the configuration to what this storage was measured to need (rule MSD007).
    /// </summary>
    [Parameter]
    public StorageRecommendation? Recommendation { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Path == null)
        {
            return;
        }

        foreach (var item in Path)
        {
            string? path = ProviderPath.Resolve(this, item, "ExportMailStorageProfile");
            if (path == null)
            {
                continue;
            }

            try
            {
                detected.Add(FileSystemDetector.Detect(path));
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException("Cannot find the path '" + path + "': " + ex.Message, ex),
                    "ExportMailStorageProfilePathNotFound",
                    ErrorCategory.ObjectNotFound,
                    item));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
            {
                WriteError(new ErrorRecord(ex, "ExportMailStorageProfileDetectFailed", ErrorCategory.ReadError, item));
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ConfigPath != null)
        {
            var config = ConfigFileArgument.Read(this, ConfigPath, "ExportMailStorageProfile", "ExportMailStorageProfileConfigInvalid", out _, category: ErrorCategory.InvalidData, target: ConfigPath);
            ProfileExporter.DetectConfigPaths(
                config,
                null,
                detected,
                warnings,
                path => WriteVerbose(path.Setting + " = " + path.Template + ": looking at " + path.Prefix),
                (path, ex) => WriteError(new ErrorRecord(ex, "ExportMailStorageProfileDetectFailed", ErrorCategory.ReadError, path.Prefix)));
        }

        if (detected.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Nothing to export: give -Path with existing paths, or -ConfigPath with a configuration that uses absolute mail paths."),
                "ExportMailStorageProfileNothingToExport",
                ErrorCategory.InvalidArgument,
                Path));
        }

        string target = OutFile == null ? "(pipeline)" : ProviderPath.ResolveOrThrow(this, OutFile, "ExportMailStorageProfile");
        var topology = Enum.Parse<Topology>(this.Topology, ignoreCase: true);
        var export = ProfileExporter.Build(detected, topology, Hosts > 0 ? Hosts : null, target, warnings);
        foreach (var warning in export.Warnings)
        {
            WriteWarning(warning);
        }

        var header = new List<string>
        {
            "Storage profile detected by Export-MailStorageProfile on " + Environment.MachineName + " at " + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC,",
            "from " + string.Join(", ", DistinctPaths()) + ".",
            "Check topology and hosts: they cannot be detected.",
        };
        var profile = Recommendation == null ? export.Profile : export.Profile.WithRequirements(Recommendation.ToRequirements());
        string yaml = StorageProfileWriter.ToYaml(profile, header);
        if (OutFile == null)
        {
            WriteObject(yaml);
            return;
        }

        if (!ShouldProcess(target, "Write a storage profile of " + profile.Mounts.Count + " mounts"))
        {
            return;
        }

        AtomicFile.Write(this, target, yaml, "storage profile", "ExportMailStorageProfileWriteFailed", OutFile);
    }

    private IEnumerable<string> DistinctPaths()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fs in detected)
        {
            if (seen.Add(fs.Path))
            {
                yield return fs.Path;
            }
        }
    }
}
