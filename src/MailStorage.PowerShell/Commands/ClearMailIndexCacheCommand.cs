using System.Management.Automation;
using MailStorage.Core.Caching;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Drops this session's index cache: held index files are closed and unmapped, and the next read starts afresh.</para>
/// </summary>
[Cmdlet(VerbsCommon.Clear, "MailIndexCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(MailIndexCacheStatistics))]
public sealed class ClearMailIndexCacheCommand : PSCmdlet
{
    /// <summary>Write the cache's statistics (as Get-MailIndexCache) before dropping it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        IndexCache? cache = SessionIndexCache.Peek();
        IndexCacheStatistics statistics = cache?.Statistics ?? new IndexCacheStatistics(0, 0, 0, 0);
        string held = statistics.Views == 1 ? "1 index file" : statistics.Views + " index files";
        if (!ShouldProcess("the index cache of this session, holding " + held, "Clear"))
        {
            return;
        }

        if (PassThru)
        {
            WriteObject(new MailIndexCacheStatistics(statistics));
        }

        SessionIndexCache.Drop();
    }
}
