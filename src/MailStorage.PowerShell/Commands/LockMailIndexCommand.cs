using System;
using System.Management.Automation;
using System.Threading;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Locks mailbox indexes the way Dovecot does (fcntl, flock or dotlock on dovecot.index.log) and keeps the lock until Unlock-MailIndex.</para>
/// </summary>
[Cmdlet(VerbsCommon.Lock, "MailIndex", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ParametersSet)]
[OutputType(typeof(MailIndexLock))]
public sealed class LockMailIndexCommand : MailIndexLockCmdlet
{
    /// <inheritdoc />
    protected override string ErrorPrefix => "LockMailIndex";


    /// <summary>The mailbox index folder(s): where <c>dovecot.index.log</c> is (a Maildir's root, or its INDEX= folder).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var settings = Options;
        foreach (string path in Path)
        {
            string? folder = MailIndexLockRequest.MailboxFolder(this, path, ErrorPrefix);
            if (folder == null || !ShouldProcess(folder, MailIndexLockRequest.Action(settings)))
            {
                continue;
            }

            MailIndexLock? taken;
            try
            {
                taken = MailIndexLockRequest.Acquire(this, folder, settings, ErrorPrefix, Cancellation);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C while waiting: the engine gave up cleanly; the pipeline is stopping.
                return;
            }

            if (taken == null)
            {
                continue;
            }

            try
            {
                WriteObject(taken);
            }
            catch
            {
                // Stopped before anyone could see the lock: nobody could release it.
                taken.Dispose();
                throw;
            }
        }
    }


}
