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
public sealed class LockMailIndexCommand : PSCmdlet, IDisposable
{
    private const string ParametersSet = "Parameters";
    private const string ConfigSet = "Config";
    private const string ErrorPrefix = "LockMailIndex";
    private readonly CancellationTokenSource cancellation = new();
    private Core.Locking.MailboxLockOptions? options;

    /// <summary>The mailbox index folder(s): where <c>dovecot.index.log</c> is (a Maildir's root, or its INDEX= folder).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

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

    /// <summary>Also create the <c>dovecot-uidlist.lock</c> dotlock (Maildir), as Dovecot does before it changes the uidlist.</summary>
    [Parameter]
    public SwitchParameter IncludeUidList { get; set; }

    /// <summary>The Dovecot configuration (dovecot.conf) whose lock_method, dotlock_use_excl and mail_max_lock_timeout apply.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConfigSet)]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>The connection whose settings apply, as doveconf's -f: <c>protocol=imap</c>, <c>local=10.0.0.1</c> ...</summary>
    [Parameter(ParameterSetName = ConfigSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Filter { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() =>
        options = MailIndexLockRequest.Options(this, ErrorPrefix, Method, Shared, TimeoutSeconds, IncludeUidList, ConfigPath, Filter);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var settings = options!;
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
                taken = MailIndexLockRequest.Acquire(this, folder, settings, ErrorPrefix, cancellation.Token);
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

    /// <inheritdoc />
    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>Releases the cancellation source (never the locks: they outlive the command).</summary>
    public void Dispose() => cancellation.Dispose();
}
