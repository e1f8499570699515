using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.FileSystems;
using MailStorage.Core.Index;
using MailStorage.Core.Mailboxes;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the mailboxes of a Maildir++ mail root, or of a user under a Dovecot configuration's mail_location.</para>
/// <para type="description">Folders come from the filesystem; GUID, UIDVALIDITY and Dovecot's cached STATUS from the mailbox list index when there is one.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailStorageMailbox", DefaultParameterSetName = PathSet)]
[OutputType(typeof(MailStorageMailbox))]
public sealed class GetMailStorageMailboxCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string ConfigSet = "Config";

    /// <summary>The mail root (the Maildir of INBOX, holding the .Folder directories).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The index root (INDEX= of mail_location), when the index files are not in the Maildirs.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? IndexPath { get; set; }

    /// <summary>The control root (CONTROL= of mail_location), when dovecot-uidlist is not in the Maildirs.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? ControlPath { get; set; }

    /// <summary>The Dovecot configuration (dovecot.conf) whose mail_location (and mail_home) to expand.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConfigSet)]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = string.Empty;

    /// <summary>The user (name or name@domain) for %u, %n, %d and ~ in mail_location.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ConfigSet)]
    [Alias("UserName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PasswdFileUserCompleter))]
    public string[] User { get; set; } = Array.Empty<string>();

    private DovecotConfig? config;
    private VerboseLog? log;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        log = new VerboseLog(this);
        if (ParameterSetName != ConfigSet)
        {
            return;
        }

        config = ConfigFileArgument.Read(this, ConfigPath, "GetMailStorageMailbox", "GetMailStorageMailboxConfigParseFailed", out _, log.ConfigFiles, ErrorCategory.ParserError);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (config != null)
        {
            foreach (string user in User)
            {
                ResolvedMailLocation location;
                try
                {
                    location = MailboxLocator.Resolve(config, user);
                }
                catch (FormatException ex)
                {
                    WriteError(new ErrorRecord(ex, "GetMailStorageMailboxInvalidMailLocation", ErrorCategory.InvalidData, user));
                    continue;
                }
                catch (ArgumentException ex)
                {
                    WriteError(new ErrorRecord(ex, "GetMailStorageMailboxInvalidUser", ErrorCategory.InvalidArgument, user));
                    continue;
                }

                WriteVerbose(user + ": mail_location expands to " + location.Root + (location.IndexRoot == null ? string.Empty : ", INDEX=" + location.IndexRoot) +
                    (location.ControlRoot == null ? string.Empty : ", CONTROL=" + location.ControlRoot));
                Write(() => MailboxLocator.List(location, log), location.Root, location.ListIndexPath);
            }

            return;
        }

        string? index = IndexPath == null ? null : ProviderPath.ResolveOrThrow(this, IndexPath, "GetMailStorageMailbox");
        string? control = ControlPath == null ? null : ProviderPath.ResolveOrThrow(this, ControlPath, "GetMailStorageMailbox");
        foreach (string item in Path)
        {
            string? root = ProviderPath.Resolve(this, item, "GetMailStorageMailbox");
            if (root == null)
            {
                continue;
            }

            string listIndex = System.IO.Path.Combine(index ?? root, DovecotFileNames.ListIndex);
            Write(() => MailboxLocator.List(root, index, control, log), item, listIndex);
        }
    }

    private void Write(Func<IReadOnlyList<MailboxLocation>> list, string target, string listIndexPath)
    {
        IReadOnlyList<MailboxLocation> mailboxes;
        try
        {
            mailboxes = list();
        }
        catch (DirectoryNotFoundException ex)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException(ex.Message, ex), "GetMailStorageMailboxPathNotFound", ErrorCategory.ObjectNotFound, target));
            return;
        }
        catch (NotSupportedException ex)
        {
            WriteError(new ErrorRecord(ex, "GetMailStorageMailboxFormatNotSupported", ErrorCategory.NotImplemented, target));
            return;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
        {
            WriteError(new ErrorRecord(ex, "GetMailStorageMailboxReadFailed", ErrorCategory.ReadError, target));
            return;
        }

        AttachListIndex(mailboxes, listIndexPath);
        IReadOnlyList<MountInfoEntry>? mounts = null;
        foreach (var mailbox in mailboxes)
        {
            MailIndexCacheMode? mode = null;
            if (config != null)
            {
                try
                {
                    mounts ??= MountInfo.ReadCurrent();
                    mode = IndexCacheModeChoice.ForMailbox(config, mailbox.IndexDirectory, mounts);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteWarning("Cannot tell the filesystem of '" + mailbox.IndexDirectory + "' (" + ex.Message + "): CacheMode is left empty.");
                }
            }

            int? messages = null;
            if (mailbox.ListEntry?.Status == null)
            {
                try
                {
                    messages = MailboxLocator.CountMessages(mailbox, log);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteWarning("Cannot count the messages of " + mailbox.Name + " (" + ex.Message + "): Messages is left empty.");
                }
            }

            WriteObject(new MailStorageMailbox(mailbox, mode, messages));
        }
    }

    /// <summary>
    /// Adds what the mailbox list index knows. The folders are listed from the filesystem anyway, so an unreadable or
    /// damaged list index costs only the cached data and is a warning.
    /// </summary>
    private void AttachListIndex(IReadOnlyList<MailboxLocation> mailboxes, string listIndexPath)
    {
        MailboxListIndex? listIndex;
        try
        {
            listIndex = MailboxLocator.ReadListIndex(listIndexPath, log);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
        {
            WriteWarning("Mailbox list index " + listIndexPath + " not read: " + ex.Message);
            return;
        }

        if (listIndex == null)
        {
            return;
        }

        MailboxLocator.AttachListIndex(mailboxes, listIndex);
        foreach (IndexProblem problem in listIndex.Problems)
        {
            WriteWarning("Mailbox list index: " + problem);
        }
    }
}
