using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Runs a script block while holding a mailbox index lock, and always releases the lock afterwards: on success, on error and on Ctrl+C.</para>
/// </summary>
[Cmdlet(VerbsOther.Use, "MailIndexLock", DefaultParameterSetName = ParametersSet)]
[OutputType(typeof(PSObject))]
public sealed class UseMailIndexLockCommand : MailIndexLockCmdlet
{
    /// <summary>
    /// Runs the block with its output piped to a process block that writes each object downstream at once (on this
    /// pipeline thread), so a long runbook streams instead of handing everything over only after the lock is released.
    /// </summary>
    private static readonly ScriptBlock StreamThrough = ScriptBlock.Create(
        "param($useMailIndexLockBlock, $useMailIndexLockCmdlet, $useMailIndexLockArguments) " +
        "& $useMailIndexLockBlock @useMailIndexLockArguments | & { process { $useMailIndexLockCmdlet.WriteObject($_) } }");

    /// <inheritdoc />
    protected override string ErrorPrefix => "UseMailIndexLock";


    /// <summary>The mailbox index folder: where <c>dovecot.index.log</c> is.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>What to run under the lock. <c>$_</c> (and <c>$PSItem</c>) is the lock object; -ArgumentList fills <c>$args</c> or its param() block.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNull]
    public ScriptBlock ScriptBlock { get; set; } = ScriptBlock.Create(string.Empty);

    /// <summary>Arguments for the script block.</summary>
    [Parameter]
    [Alias("Args")]
    public object[]? ArgumentList { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string? folder = MailIndexLockRequest.MailboxFolder(this, Path, ErrorPrefix);
        if (folder == null)
        {
            return;
        }

        MailIndexLock? held;
        try
        {
            held = MailIndexLockRequest.Acquire(this, folder, Options, ErrorPrefix, Cancellation);
        }
        catch (OperationCanceledException)
        {
            return; // Ctrl+C while waiting; nothing is held
        }

        if (held == null)
        {
            return; // the error is written; the block does not run without the lock
        }

        try
        {
            WriteVerbose(held + ": running the script block.");
            var variables = new List<PSVariable> { new("_", held), new("PSItem", held) };
            StreamThrough.InvokeWithContext(null, variables, ScriptBlock, this, ArgumentList ?? Array.Empty<object>());
        }
        finally
        {
            // Also when the block throws or Ctrl+C stops it (PipelineStoppedException passes through here).
            string? lost = null;
            try
            {
                lost = MailIndexLockRequest.Release(held);
            }
            catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && !Stopping)
            {
                WriteError(new ErrorRecord(ex, ErrorPrefix + "ReleaseFailed", ex is IOException ? ErrorCategory.WriteError : ErrorCategory.PermissionDenied, folder));
            }

            if (lost != null && !Stopping)
            {
                WriteWarning(lost);
            }
        }
    }


}
