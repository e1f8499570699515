using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Reporting;
using MailStorage.Core.Verification;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Verifies mailbox indexes the way Dovecot checks them, and writes one object per problem found.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MailIndex", DefaultParameterSetName = MailboxSet)]
[OutputType(typeof(MailIndexDamage), typeof(bool))]
public sealed class TestMailIndexCommand : MailboxIndexCmdlet
{
    private const int ProgressId = 0x4d56;

    private readonly Queue<Pending> pending = new();
    private MailboxLockOptions lockOptions = new();
    private ProgressRecord? progress;
    private int verified;
    private int damaged;

    /// <summary>How many mailboxes to verify at once (results are still written in input order). Default: 4.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>The least severity to report: Info (everything, such as mail not yet seen by Dovecot), Warning (the default), or Error.</summary>
    [Parameter]
    public MailIndexDamageSeverity Severity { get; set; } = MailIndexDamageSeverity.Warning;

    /// <summary>Write only <c>$true</c> (no problem at -Severity or above) or <c>$false</c> per mailbox.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>
    /// The Dovecot configuration (dovecot.conf) whose lock_method and dotlock_use_excl the confirming lock uses; default:
    /// Dovecot's (fcntl).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>
    /// How long to wait for a mailbox's lock to confirm a problem found while Dovecot may be writing, in seconds; 0 tries
    /// once. A problem not confirmed in time is reported as a Warning that says so. Default: 3.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int LockTimeout { get; set; } = 3;

    /// <inheritdoc />
    protected override void BeginProcessing() =>
        lockOptions = MailIndexLockRequest.Options(this, ErrorPrefix, null, false, LockTimeout, false, ConfigPath, null);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string? path = ProviderPath.Resolve(this, Path, ErrorPrefix);
        if (path == null)
        {
            return;
        }

        if (Recurse)
        {
            EnqueueMailRoot(path);
            return;
        }

        MailboxLocation? mailbox = ResolveMailbox(path);
        if (mailbox == null)
        {
            return;
        }

        Enqueue(mailbox);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        while (pending.Count > 0)
        {
            WriteNext();
        }

        if (progress != null)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    /// <inheritdoc />
    protected override string ErrorPrefix => "TestMailIndex";

    private void EnqueueMailRoot(string root)
    {
        foreach (MailboxLocation mailbox in ListMailRoot(root) ?? Array.Empty<MailboxLocation>())
        {
            Enqueue(mailbox);
        }
    }

    /// <summary>
    /// Starts verifying <paramref name="mailbox"/> on the thread pool; at most ThrottleLimit run at once. Results are
    /// written on the pipeline thread in the order mailboxes came in, each as soon as it and those before it are done.
    /// </summary>
    private void Enqueue(MailboxLocation mailbox)
    {
        while (pending.Count >= ThrottleLimit)
        {
            WriteNext();
        }

        CancellationToken token = Cancellation;

        // Verification runs on the thread pool, where a cmdlet may not write: its verbose lines wait with its results.
        var log = new ActivityLog();
        MailboxLockOptions options = lockOptions;
        pending.Enqueue(new Pending(mailbox, Task.Run(() => MailboxVerifier.Verify(mailbox, options, token, log), token), log));
        while (pending.Count > 0 && pending.Peek().Work.IsCompleted)
        {
            WriteNext();
        }
    }

    private void WriteNext()
    {
        Pending next = pending.Dequeue();
        IReadOnlyList<IndexDamage> damages;

        // Finished work only (or a throttled wait): then its verbose lines, then its results or error.
        ((IAsyncResult)next.Work).AsyncWaitHandle.WaitOne();
        foreach (string line in next.Log.Take())
        {
            WriteVerbose(next.Mailbox.Name + ": " + line);
        }

        try
        {
            damages = next.Work.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
        {
            WriteError(new ErrorRecord(ex, "TestMailIndexReadFailed", ErrorCategory.ReadError, next.Mailbox.IndexDirectory));
            return;
        }
#pragma warning disable CA1031 // One mailbox that cannot be verified must not end a run over thousands.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            WriteError(new ErrorRecord(ex, "TestMailIndexFailed", ErrorCategory.NotSpecified, next.Mailbox.IndexDirectory));
            return;
        }

        var shown = damages.Where(d => (int)d.Severity >= (int)Severity).ToList();
        verified++;
        damaged += shown.Count > 0 ? 1 : 0;
        if (Quiet)
        {
            WriteObject(shown.Count == 0);
        }
        else
        {
            foreach (IndexDamage damage in shown)
            {
                WriteObject(new MailIndexDamage(damage, next.Mailbox));
            }
        }

        progress ??= new ProgressRecord(ProgressId, "Test-MailIndex", "Verifying mailbox indexes");
        progress.StatusDescription = verified + " mailboxes verified, " + damaged + " with problems (last: " + next.Mailbox.Name + ")";
        WriteProgress(progress);
    }

    private sealed record Pending(MailboxLocation Mailbox, Task<IReadOnlyList<IndexDamage>> Work, ActivityLog Log);
}
