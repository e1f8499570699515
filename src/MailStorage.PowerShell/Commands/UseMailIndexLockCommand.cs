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
public sealed class UseMailIndexLockCommand : PSCmdlet, IDisposable
{
    private const string ParametersSet = "Parameters";
    private const string ConfigSet = "Config";
    private const string ErrorPrefix = "UseMailIndexLock";
    private readonly CancellationTokenSource cancellation = new();
    private Core.Locking.MailboxLockOptions? options;

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

    /// <summary>Dovecot's lock_method: Fcntl (the default), Flock or Dotlock. Overrides the configuration's.</summary>
    [Parameter]
    public MailIndexLockMethod? Method { get; set; }

    /// <summary>A shared (read) lock instead of an exclusive one; fcntl and flock only.</summary>
    [Parameter]
    public SwitchParameter Shared { get; set; }

    /// <summary>How long to wait for the lock, in seconds; 0 tries once. Default: 180, or mail_max_lock_timeout from -ConfigPath.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? TimeoutSeconds { get; set; }

    /// <summary>Also create the <c>dovecot-uidlist.lock</c> dotlock (Maildir).</summary>
    [Parameter]
    public SwitchParameter IncludeUidList { get; set; }

    /// <summary>The Dovecot configuration (dovecot.conf) whose lock_method, dotlock_use_excl and mail_max_lock_timeout apply.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConfigSet)]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>The connection whose settings apply, as doveconf's -f: <c>protocol=imap</c> ...</summary>
    [Parameter(ParameterSetName = ConfigSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Filter { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() =>
        options = MailIndexLockRequest.Options(this, ErrorPrefix, Method, Shared, TimeoutSeconds, IncludeUidList, ConfigPath, Filter);

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
            held = MailIndexLockRequest.Acquire(this, folder, options!, ErrorPrefix, cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            return; // Ctrl+C while waiting; nothing is held
        }

        if (held == null)
        {
            return; // the error is written; the block does not run without the lock
        }

        var output = default(System.Collections.ObjectModel.Collection<PSObject>);
        try
        {
            WriteVerbose(held + ": running the script block.");
            var variables = new List<PSVariable> { new("_", held), new("PSItem", held) };
            output = ScriptBlock.InvokeWithContext(null, variables, ArgumentList ?? Array.Empty<object>());
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

        foreach (var item in output)
        {
            WriteObject(item);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose() => cancellation.Dispose();
}
