using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Renders settings from Get-MailStorageConfig as Dovecot configuration text, in the doveconf -n layout.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "DovecotConfig")]
[OutputType(typeof(string))]
public sealed class ConvertToDovecotConfigCommand : PSCmdlet
{
    private readonly List<DovecotSetting> settings = new();
    private readonly HashSet<DovecotSetting> seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>Settings written by Get-MailStorageConfig, usually from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public DovecotSetting[] InputObject { get; set; } = System.Array.Empty<DovecotSetting>();

    /// <summary>Print passwords, keys and credentials instead of hiding them (doveconf's -P).</summary>
    [Parameter]
    public SwitchParameter ShowSecrets { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var setting in InputObject)
        {
            if (setting != null && seen.Add(setting))
            {
                settings.Add(setting);
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        // The whole of one Get-MailStorageConfig -NonDefault result is doveconf -n itself; anything else is
        // rendered entry by entry in the same layout.
        var batch = settings.Count > 0 ? settings[0].Batch : null;
        if (batch != null && settings.Count == batch.Count && settings.All(s => ReferenceEquals(s.Batch, batch)))
        {
            WriteObject(DoveconfWriter.Render(batch.Config, ShowSecrets));
            return;
        }

        WriteObject(DoveconfExport.Render(settings.Select(s => s.Entry), ShowSecrets));
    }
}
