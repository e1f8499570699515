using System;
using System.IO;
using System.Management.Automation;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Releases a mailbox index lock taken by Lock-MailIndex, and warns when a dotlock was lost meanwhile.</para>
/// </summary>
[Cmdlet(VerbsCommon.Unlock, "MailIndex", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(MailIndexLock))]
public sealed class UnlockMailIndexCommand : PSCmdlet
{
    /// <summary>The lock(s) Lock-MailIndex returned in this session; one from another session is refused, naming where to release it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [LockOfThisSession]
    public MailIndexLock[] Lock { get; set; } = Array.Empty<MailIndexLock>();

    /// <summary>Write each lock object after releasing it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var held in Lock)
        {
            if (held == null)
            {
                continue;
            }

            if (!held.IsHeld && !held.IsLost)
            {
                WriteVerbose(held.Path + ": already released.");
            }
            else if (ShouldProcess(held.Path, "Release the " + held.Method.ToString().ToLowerInvariant() + " lock on " + string.Join(", ", held.LockedFiles)))
            {
                string? lost;
                try
                {
                    lost = MailIndexLockRequest.Release(held);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    WriteError(new ErrorRecord(ex, "UnlockMailIndexFailed", ex is IOException ? ErrorCategory.WriteError : ErrorCategory.PermissionDenied, held.Path));
                    continue;
                }

                if (lost != null)
                {
                    WriteWarning(lost);
                }
            }
            else
            {
                continue;
            }

            if (PassThru)
            {
                WriteObject(held);
            }
        }
    }
}
