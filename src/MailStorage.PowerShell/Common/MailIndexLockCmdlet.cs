using System;
using System.Management.Automation;
using System.Threading;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// What Lock-MailIndex and Use-MailIndexLock share: the lock parameters (method, mode, timeout, uidlist,
/// configuration and filter), the options they make, and cancellation on Ctrl+C.
/// </summary>
public abstract class MailIndexLockCmdlet : PSCmdlet, IDisposable
{
    /// <summary>The parameter set without a configuration.</summary>
    protected const string ParametersSet = "Parameters";

    /// <summary>The parameter set that reads lock settings from dovecot.conf.</summary>
    protected const string ConfigSet = "Config";

    private readonly CancellationTokenSource cancellation = new();
    private Core.Locking.MailboxLockOptions? options;

    /// <summary>Dovecot's lock_method: Fcntl (the default), Flock or Dotlock. Overrides the configuration's.</summary>
    [Parameter]
    public MailIndexLockMethod? Method { get; set; }

    /// <summary>A shared (read) lock instead of an exclusive one; fcntl and flock only.</summary>
    [Parameter]
    public SwitchParameter Shared { get; set; }

    /// <summary>
    /// How long to wait for the lock, in seconds; 0 tries once. Default: 180, or mail_max_lock_timeout from -ConfigPath.
    /// The wait blocks in the kernel (fcntl, flock) or is woken by the dotlock's removal, as Dovecot's waits are.
    /// </summary>
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
    [ArgumentCompleter(typeof(ConfigFilterCompleter))]
    public string[]? Filter { get; set; }

    /// <summary>The stable prefix of this cmdlet's error ids, e.g. <c>LockMailIndex</c>.</summary>
    protected abstract string ErrorPrefix { get; }

    /// <summary>The lock options the parameters (and the configuration) give; set in BeginProcessing.</summary>
    protected Core.Locking.MailboxLockOptions Options => options ?? throw new InvalidOperationException("BeginProcessing has not run.");

    /// <summary>Cancelled by Ctrl+C.</summary>
    protected CancellationToken Cancellation => cancellation.Token;

    /// <inheritdoc />
    protected override void BeginProcessing() =>
        options = MailIndexLockRequest.Options(this, ErrorPrefix, Method, Shared, TimeoutSeconds, IncludeUidList, ConfigPath, Filter);

    /// <inheritdoc />
    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>Releases the cancellation source (never the locks: Lock-MailIndex's outlive the command).</summary>
    public void Dispose()
    {
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
