using System;
using System.IO;
using System.Management.Automation;
using MailStorage.Core.Locking;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists who holds locks on mailbox index files: fcntl and flock holders, and dotlocks with their pid, host, age and staleness.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailIndexLock")]
[OutputType(typeof(MailIndexLockHolder))]
public sealed class GetMailIndexLockCommand : PSCmdlet
{
    private string localHost = string.Empty;

    /// <summary>A mailbox index folder, or a folder to search with -Recurse.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Also look in every folder below.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => localHost = FileLocks.LocalHostname;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (string path in Path)
        {
            string? folder = ProviderPath.Resolve(this, path, "GetMailIndexLock");
            if (folder == null)
            {
                continue;
            }

            if (!Directory.Exists(folder))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException("Cannot find the folder '" + folder + "'."),
                    "GetMailIndexLockPathNotFound",
                    ErrorCategory.ObjectNotFound,
                    path));
                continue;
            }

            System.Collections.Generic.IReadOnlyList<LockHolder> holders;
            try
            {
                holders = IndexLockScanner.Scan(folder, Recurse, out var notLocks);
                foreach (string notLock in notLocks)
                {
                    WriteWarning(notLock);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(
                    ex,
                    "GetMailIndexLockScanFailed",
                    ex is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.ReadError,
                    folder));
                continue;
            }

            foreach (var holder in holders)
            {
                WriteObject(new MailIndexLockHolder(holder, localHost));
            }
        }
    }
}
