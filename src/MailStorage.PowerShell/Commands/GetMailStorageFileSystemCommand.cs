using System;
using System.IO;
using System.Management.Automation;
using MailStorage.Core.FileSystems;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Tells which filesystem each path is on and what that filesystem can do for Dovecot.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailStorageFileSystem")]
[OutputType(typeof(MailStorageFileSystem))]
public sealed class GetMailStorageFileSystemCommand : PSCmdlet
{
    /// <summary>
    /// The files or folders to look at. Relative paths are resolved against the current location; symbolic links
    /// are followed. Takes strings and FullName (Get-ChildItem, Get-Item) from the pipeline.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var item in Path)
        {
            string? path = ProviderPath.Resolve(this, item, "GetMailStorageFileSystem");
            if (path == null)
            {
                continue;
            }

            try
            {
                WriteObject(new MailStorageFileSystem(FileSystemDetector.Detect(path, new VerboseLog(this))));
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException("Cannot find the path '" + path + "': " + ex.Message, ex),
                    "GetMailStorageFileSystemPathNotFound",
                    ErrorCategory.ObjectNotFound,
                    item));
            }
            catch (UnauthorizedAccessException ex)
            {
                WriteError(new ErrorRecord(ex, "GetMailStorageFileSystemAccessDenied", ErrorCategory.PermissionDenied, item));
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException)
            {
                WriteError(new ErrorRecord(ex, "GetMailStorageFileSystemDetectFailed", ErrorCategory.ReadError, item));
            }
        }
    }
}
