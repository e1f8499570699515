using System.Management.Automation;
using MailStorage.Core.Caching;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows what this session's index cache holds and has done: files held, bytes read, revalidations and rereads.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailIndexCache")]
[OutputType(typeof(MailIndexCacheStatistics))]
public sealed class GetMailIndexCacheCommand : PSCmdlet
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        // A session that has read nothing has an empty cache; none is made just to report that.
        IndexCacheStatistics statistics = SessionIndexCache.Peek()?.Statistics ?? new IndexCacheStatistics(0, 0, 0, 0);
        WriteObject(new MailIndexCacheStatistics(statistics));
    }
}
