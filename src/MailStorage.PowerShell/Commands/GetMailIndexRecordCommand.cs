using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MailStorage.Core.Caching;
using MailStorage.Core.Index;
using MailStorage.Core.Mailboxes;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes one object per message of a mailbox index: sequence, UID, flags, keywords and Maildir file name.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailIndexRecord")]
[OutputType(typeof(MailIndexRecord))]
public sealed class GetMailIndexRecordCommand : PSCmdlet
{
    private const int ProgressThreshold = 10000;

    private IndexCacheModeChoice? choice;

    private static readonly (MailIndexFlags Flag, string Name)[] FlagNames =
    [
        (MailIndexFlags.Answered, "\\Answered"),
        (MailIndexFlags.Flagged, "\\Flagged"),
        (MailIndexFlags.Deleted, "\\Deleted"),
        (MailIndexFlags.Seen, "\\Seen"),
        (MailIndexFlags.Draft, "\\Draft"),
    ];

    /// <summary>The index folder (holding dovecot.index, dovecot.index.log); takes IndexDirectory from Get-MailStorageMailbox.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IndexDirectory")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// The folder of dovecot-uidlist (the control folder; for Maildir without CONTROL= the Maildir itself). Taken from
    /// ControlDirectory of a piped Get-MailStorageMailbox object; without it, the index folder.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ControlDirectory")]
    public string? ControlPath { get; set; }

    /// <summary>How to read the files: Mmap, Buffered or BufferedFlush. Default: what Dovecot would use (-ConfigPath and the filesystem).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public MailIndexCacheMode? CacheMode { get; set; }

    /// <summary>The Dovecot configuration whose mmap_disable and mail_nfs_index choose the cache mode when -CacheMode is not given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>Converts the flags byte of an index record to IMAP flag names.</summary>
    public static string[] FlagsToNames(MailIndexFlags flags)
    {
        var names = new List<string>(5);
        foreach (var (flag, name) in FlagNames)
        {
            if ((flags & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names.ToArray();
    }

    /// <inheritdoc />
    protected override void BeginProcessing() => choice = IndexCacheModeChoice.Create(this, ConfigPath, "GetMailIndexRecord");

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string? dir = ProviderPath.Resolve(this, Path, "GetMailIndexRecord");
        if (dir == null)
        {
            return;
        }

        if (!Directory.Exists(dir))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException("Cannot find the index folder '" + dir + "'."), "GetMailIndexRecordPathNotFound", ErrorCategory.ObjectNotFound, Path));
            return;
        }

        string? control = string.IsNullOrEmpty(ControlPath) ? dir : ProviderPath.Resolve(this, ControlPath, "GetMailIndexRecord");
        if (control == null)
        {
            return;
        }

        if (MailboxLocator.WhyNotAMailbox(new MailboxLocation(dir, control, dir, control, "maildir")) is string why)
        {
            WriteError(new ErrorRecord(new NotAMailboxException(dir, why), "GetMailIndexRecordNotAMailbox", ErrorCategory.InvalidArgument, Path));
            return;
        }

        MailboxState state;
        Dictionary<uint, string>? files = null;
        try
        {
            IndexCacheMode mode = choice!.For(CacheMode, dir);
            WriteVerbose("Reading " + dir + " (" + mode + ").");
            IndexCache cache = SessionIndexCache.Get();
            state = MailboxState.Load(dir, cache, mode);
            string uidlist = System.IO.Path.Combine(control, DovecotFileNames.UidList);
            if (File.Exists(uidlist))
            {
                // Through the cache too: while it is unchanged it is not read again.
                var list = UidList.Parse(cache.Get(uidlist, mode).GetBytes().Span, uidlist);
                files = new Dictionary<uint, string>(list.Records.Count);
                foreach (var record in list.Records)
                {
                    files[record.Uid] = record.FileName;
                }
            }
            else
            {
                WriteWarning("No dovecot-uidlist in '" + control + "': FileName is empty. Give -ControlPath (the Maildir, or CONTROL= of mail_location).");
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
        {
            WriteError(new ErrorRecord(ex, "GetMailIndexRecordReadFailed", ErrorCategory.ReadError, Path));
            return;
        }

        foreach (var problem in state.Problems)
        {
            WriteWarning(problem.ToString());
        }

        var messages = state.Messages;
        int count = messages.Count;
        ProgressRecord? progress = count >= ProgressThreshold
            ? new ProgressRecord(0x4d49, "Get-MailIndexRecord", "Reading " + dir)
            : null;
        for (int i = 0; i < count; i++)
        {
            if (progress != null && i % 5000 == 0)
            {
                progress.PercentComplete = (int)(100L * i / count);
                progress.StatusDescription = i + " of " + count + " messages";
                WriteProgress(progress);
            }

            var message = messages[i];
            string? fileName = null;
            files?.TryGetValue(message.Uid, out fileName);
            WriteObject(new MailIndexRecord(i + 1, message.Uid, FlagsToNames(message.Flags), message.Keywords.ToArray(), fileName));
        }

        if (progress != null)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }
}
