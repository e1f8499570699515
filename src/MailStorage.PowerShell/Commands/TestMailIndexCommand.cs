using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Verification;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Verifies mailbox indexes the way Dovecot checks them, and writes one object per problem found.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MailIndex", DefaultParameterSetName = MailboxSet)]
[OutputType(typeof(MailIndexDamage), typeof(bool))]
public sealed class TestMailIndexCommand : PSCmdlet, IDisposable
{
    private const string MailboxSet = "Mailbox";
    private const string RecurseSet = "Recurse";
    private const int ProgressId = 0x4d56;

    private readonly Queue<Pending> pending = new();
    private readonly CancellationTokenSource stopping = new();
    private ProgressRecord? progress;
    private int verified;
    private int damaged;

    /// <summary>
    /// The mailbox's index folder (holding dovecot.index and dovecot.index.log); IndexDirectory of a piped
    /// Get-MailStorageMailbox object. With -Recurse, the mail root whose mailboxes to verify.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = MailboxSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = RecurseSet)]
    [Alias("IndexDirectory", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The folder of dovecot-uidlist (CONTROL= of mail_location); default: the index folder.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = MailboxSet)]
    [Alias("ControlDirectory")]
    public string? ControlPath { get; set; }

    /// <summary>The Maildir (cur/ and new/); default: the control folder.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = MailboxSet)]
    [Alias("MailDirectory")]
    public string? MailPath { get; set; }

    /// <summary>The mailbox format; only maildir has a uidlist and cur/ and new/ to check. Default: maildir.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = MailboxSet)]
    public string? Format { get; set; }

    /// <summary>The mailbox name written in the Mailbox property (Name of a piped mailbox); default: the index folder.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = MailboxSet)]
    [Alias("Name")]
    public string? Mailbox { get; set; }

    /// <summary>Treat Path as a Maildir++ mail root and verify every mailbox under it, as Get-MailStorageMailbox lists them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RecurseSet)]
    public SwitchParameter Recurse { get; set; }

    /// <summary>With -Recurse: the index root (INDEX= of mail_location), when index files are not in the Maildirs.</summary>
    [Parameter(ParameterSetName = RecurseSet)]
    [ValidateNotNullOrEmpty]
    public string? IndexRoot { get; set; }

    /// <summary>With -Recurse: the control root (CONTROL= of mail_location), when dovecot-uidlist is not in the Maildirs.</summary>
    [Parameter(ParameterSetName = RecurseSet)]
    [ValidateNotNullOrEmpty]
    public string? ControlRoot { get; set; }

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

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Recurse)
        {
            EnqueueMailRoot(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException("Cannot find the index folder '" + path + "'."), "TestMailIndexPathNotFound", ErrorCategory.ObjectNotFound, Path));
            return;
        }

        string control = string.IsNullOrEmpty(ControlPath) ? path : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ControlPath);
        string mail = string.IsNullOrEmpty(MailPath) ? control : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MailPath);
        string format = string.IsNullOrEmpty(Format) ? "maildir" : Format;
        if (!string.Equals(format, "maildir", StringComparison.OrdinalIgnoreCase))
        {
            WriteVerbose(path + ": format " + format + " has no dovecot-uidlist; only the index, log and cache are checked.");
        }

        Enqueue(new MailboxLocation(string.IsNullOrEmpty(Mailbox) ? path : Mailbox, mail, path, control, format));
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
    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>Releases the cancellation source (verifications still running finish on the thread pool and are dropped).</summary>
    public void Dispose() => stopping.Dispose();

    private void EnqueueMailRoot(string root)
    {
        IReadOnlyList<MailboxLocation> mailboxes;
        try
        {
            string? index = IndexRoot == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(IndexRoot);
            string? control = ControlRoot == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ControlRoot);
            mailboxes = MailboxLocator.List(root, index, control);
        }
        catch (DirectoryNotFoundException ex)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException(ex.Message, ex), "TestMailIndexPathNotFound", ErrorCategory.ObjectNotFound, Path));
            return;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
        {
            WriteError(new ErrorRecord(ex, "TestMailIndexReadFailed", ErrorCategory.ReadError, Path));
            return;
        }

        WriteVerbose(root + ": " + mailboxes.Count + " mailboxes");
        foreach (MailboxLocation mailbox in mailboxes)
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

        CancellationToken token = stopping.Token;
        pending.Enqueue(new Pending(mailbox, Task.Run(() => MailboxVerifier.Verify(mailbox), token)));
        while (pending.Count > 0 && pending.Peek().Work.IsCompleted)
        {
            WriteNext();
        }
    }

    private void WriteNext()
    {
        Pending next = pending.Dequeue();
        IReadOnlyList<IndexDamage> damages;
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

    private sealed record Pending(MailboxLocation Mailbox, Task<IReadOnlyList<IndexDamage>> Work);
}
