using System;
using System.Management.Automation;
using System.Threading;
using MailStorage.Core.FileSystems.Probes;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Probes what a storage really does for Dovecot (locks across clients, dotlock races, mmap coherence, stale attributes, file names, clock skew) and recommends the settings it needs.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MailStorageCapability", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ProbeResult), typeof(StorageRecommendation))]
public sealed class TestMailStorageCapabilityCommand : PSCmdlet, IDisposable
{
    private const string ErrorPrefix = "TestMailStorageCapability";
    private const int ProgressId = 4711;
    private readonly CancellationTokenSource cancellation = new();

    /// <summary>The folder to probe, on the storage the mail or indexes live on. A temporary folder is made in it and removed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// The same folder through a second mount of the same storage (another client's mount). Without it the probes that
    /// need two clients (locks across mounts, mmap coherence, staleness, ESTALE) are Skipped.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PeerPath { get; set; }

    /// <summary>The longest one probe waits for the storage, in seconds.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string? path = ProviderPath.Resolve(this, Path, "TestMailStorageCapability");
        if (path == null)
        {
            return;
        }

        string? peer = PeerPath == null ? null : ProviderPath.Resolve(this, PeerPath, "TestMailStorageCapability");
        if (PeerPath != null && peer == null)
        {
            return;
        }

        try
        {
            CapabilityProber.CheckFolders(path, peer);
        }
        catch (ProbeSetupException ex)
        {
            Fail(ex);
        }

        string action = "Create a temporary folder " + CapabilityProber.FolderPrefix + "<random> here" + (peer == null ? string.Empty : " (seen through " + peer + ")") +
            ", run " + CapabilityProber.ProbeCount + " probes in it (each up to " + TimeoutSeconds + " s), and remove it";
        if (!ShouldProcess(path, action))
        {
            return;
        }

        var progress = new ProgressRecord(ProgressId, "Test-MailStorageCapability " + path, "starting");
        System.Collections.Generic.IReadOnlyList<Core.FileSystems.Probes.ProbeResult> results;
        try
        {
            results = CapabilityProber.Run(path, peer, TimeSpan.FromSeconds(TimeoutSeconds), cancellation.Token, new Reporter(p =>
            {
                progress.StatusDescription = p.Name;
                progress.PercentComplete = p.Index * 100 / p.Count;
                WriteProgress(progress);
            }));
        }
        catch (ProbeSetupException ex)
        {
            Fail(ex);
            return;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the probe folder is already removed; the pipeline is stopping.
            return;
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        foreach (var result in results)
        {
            WriteObject(new ProbeResult(result, path, peer));
        }

        WriteObject(new StorageRecommendation(Core.FileSystems.Probes.StorageRecommendation.From(results), path, peer));
    }

    /// <inheritdoc />
    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose() => cancellation.Dispose();

    private void Fail(ProbeSetupException ex)
    {
        var category = ex.Error switch
        {
            ProbeSetupError.PathNotFound => ErrorCategory.ObjectNotFound,
            ProbeSetupError.PathReadOnly => ErrorCategory.PermissionDenied,
            _ => ErrorCategory.InvalidArgument,
        };
        ThrowTerminatingError(new ErrorRecord(ex, ErrorPrefix + ex.Error, category, ex.Path));
    }

    // Progress is reported on the pipeline thread, where WriteProgress may be called.
    private sealed class Reporter : IProgress<ProbeProgress>
    {
        private readonly Action<ProbeProgress> report;

        public Reporter(Action<ProbeProgress> report) => this.report = report;

        public void Report(ProbeProgress value) => report(value);
    }
}
