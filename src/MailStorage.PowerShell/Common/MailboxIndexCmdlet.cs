using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using MailStorage.Core.Mailboxes;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// What Test-MailIndex and Repair-MailIndex share: one mailbox given by its folders (or piped from
/// Get-MailStorageMailbox), or -Recurse over a mail root, resolved to <see cref="MailboxLocation"/>s the same way, with
/// the same error ids under each cmdlet's prefix; and cancellation on Ctrl+C.
/// </summary>
public abstract class MailboxIndexCmdlet : PSCmdlet, IDisposable
{
    /// <summary>The parameter set for one mailbox given by its folders.</summary>
    protected const string MailboxSet = "Mailbox";

    /// <summary>The parameter set for every mailbox under a mail root.</summary>
    protected const string RecurseSet = "Recurse";

    private readonly CancellationTokenSource stopping = new();

    /// <summary>
    /// The mailbox's index folder (holding dovecot.index and dovecot.index.log); IndexDirectory of a piped
    /// Get-MailStorageMailbox object. With -Recurse, the mail root whose mailboxes to work on.
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

    /// <summary>
    /// The mailbox format, by Dovecot's driver name (any case): maildir (the default), sdbox, mdbox, dbox or mbox.
    /// For all but maildir only the index files are checked (a warning says so); any other value is refused.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = MailboxSet)]
    [ArgumentCompleter(typeof(MailboxFormatCompleter))]
    public string? Format { get; set; }

    /// <summary>
    /// The mailbox name written in the Mailbox property (Mailbox of a piped Get-MailStorageMailbox object); default: the
    /// index folder. No alias Name: a piped file or folder would bind its own Name ("Maildir") as the mailbox.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = MailboxSet)]
    public string? Mailbox { get; set; }

    /// <summary>Treat Path as a Maildir++ mail root and work on every mailbox under it, as Get-MailStorageMailbox lists them.</summary>
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

    /// <summary>The stable prefix of this cmdlet's error ids, e.g. <c>TestMailIndex</c>.</summary>
    protected abstract string ErrorPrefix { get; }

    /// <summary>Cancelled by Ctrl+C.</summary>
    protected CancellationToken Cancellation => stopping.Token;

    /// <inheritdoc />
    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>Releases the cancellation source (work still running finishes on the thread pool and is dropped).</summary>
    public void Dispose()
    {
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The mailbox the MailboxSet parameters name, its index folder being <paramref name="path"/> (Path resolved);
    /// null, with a PathNotFound error written, when that folder does not exist, or NotAMailbox when it is no mailbox.
    /// </summary>
    protected MailboxLocation? ResolveMailbox(string path)
    {
        if (!Directory.Exists(path))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException("Cannot find the index folder '" + path + "'."), ErrorPrefix + "PathNotFound", ErrorCategory.ObjectNotFound, Path));
            return null;
        }

        string? control = string.IsNullOrEmpty(ControlPath) ? path : ProviderPath.Resolve(this, ControlPath, ErrorPrefix);
        string? mail = control == null ? null : string.IsNullOrEmpty(MailPath) ? control : ProviderPath.Resolve(this, MailPath, ErrorPrefix);
        if (control == null || mail == null)
        {
            return null;
        }

        string? format = MailboxFormat.Normalize(Format);
        if (format == null)
        {
            WriteError(new ErrorRecord(
                new ArgumentException(MailboxFormat.Unknown(Format!)), ErrorPrefix + "UnknownFormat", ErrorCategory.InvalidArgument, Format));
            return null;
        }

        if (MailboxFormat.NotVerified(format) is { } notVerified)
        {
            WriteWarning(path + ": " + notVerified);
        }

        var mailbox = new MailboxLocation(string.IsNullOrEmpty(Mailbox) ? path : Mailbox, mail, path, control, format);
        return IsMailbox(mailbox) ? mailbox : null;
    }

    /// <summary>
    /// Whether <paramref name="mailbox"/> is a Dovecot mailbox (<see cref="MailboxLocator.WhyNotAMailbox"/>); if not, a
    /// NotAMailbox error is written and the pipeline goes on.
    /// </summary>
    protected bool IsMailbox(MailboxLocation mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        if (MailboxLocator.WhyNotAMailbox(mailbox) is not string why)
        {
            return true;
        }

        WriteError(new ErrorRecord(new NotAMailboxException(mailbox.IndexDirectory, why), ErrorPrefix + "NotAMailbox", ErrorCategory.InvalidArgument, Path));
        return false;
    }

    /// <summary>
    /// The mailboxes under the mail root <paramref name="root"/> (Path resolved), with -IndexRoot and -ControlRoot;
    /// null, with a PathNotFound or ReadFailed error written, when the root cannot be listed, or NotAMailbox when it holds none.
    /// </summary>
    protected IReadOnlyList<MailboxLocation>? ListMailRoot(string root)
    {
        IReadOnlyList<MailboxLocation> mailboxes;
        try
        {
            string? index = IndexRoot == null ? null : ProviderPath.ResolveOrThrow(this, IndexRoot, ErrorPrefix);
            string? control = ControlRoot == null ? null : ProviderPath.ResolveOrThrow(this, ControlRoot, ErrorPrefix);
            mailboxes = MailboxLocator.List(root, index, control, new VerboseLog(this));
        }
        catch (DirectoryNotFoundException ex)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException(ex.Message, ex), ErrorPrefix + "PathNotFound", ErrorCategory.ObjectNotFound, Path));
            return null;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
        {
            WriteError(new ErrorRecord(ex, ErrorPrefix + "ReadFailed", ErrorCategory.ReadError, Path));
            return null;
        }

        if (mailboxes.Count == 0)
        {
            WriteError(new ErrorRecord(new NotAMailboxException(root, MailboxLocator.NoMailboxIn(root)), ErrorPrefix + "NotAMailbox", ErrorCategory.InvalidArgument, Path));
            return null;
        }

        WriteVerbose(root + ": " + mailboxes.Count + " mailboxes");
        return mailboxes;
    }
}
