using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MailStorage.Core.Caching;
using MailStorage.Core.Index;
using MailStorage.Core.Mailboxes;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads a mailbox index folder and reports its header, counts, extensions, keywords and files.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailIndex")]
[OutputType(typeof(MailIndexInfo))]
public sealed class GetMailIndexCommand : PSCmdlet
{
    private IndexCacheModeChoice? choice;

    /// <summary>The index folder (holding dovecot.index, dovecot.index.log); takes IndexDirectory from Get-MailStorageMailbox.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IndexDirectory")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>How to read the files: Mmap, Buffered or BufferedFlush. Default: what Dovecot would use (-ConfigPath and the filesystem).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public MailIndexCacheMode? CacheMode { get; set; }

    /// <summary>The Dovecot configuration whose mmap_disable and mail_nfs_index choose the cache mode when -CacheMode is not given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => choice = IndexCacheModeChoice.Create(this, ConfigPath, "GetMailIndex");

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (string item in Path)
        {
            string? dir = ProviderPath.Resolve(this, item, "GetMailIndex");
            if (dir == null)
            {
                continue;
            }

            if (!Directory.Exists(dir))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException("Cannot find the index folder '" + dir + "'."), "GetMailIndexPathNotFound", ErrorCategory.ObjectNotFound, item));
                continue;
            }

            if (MailboxLocator.WhyNotAMailbox(new MailboxLocation(dir, dir, dir, dir, "maildir")) is string why)
            {
                WriteError(new ErrorRecord(new NotAMailboxException(dir, why), "GetMailIndexNotAMailbox", ErrorCategory.InvalidArgument, item));
                continue;
            }

            try
            {
                IndexCacheMode mode = choice!.For(CacheMode, dir);
                WriteVerbose("Reading " + dir + " (" + mode + ").");
                WriteObject(Read(dir, SessionIndexCache.Get(), mode));
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
            {
                WriteError(new ErrorRecord(ex, "GetMailIndexReadFailed", ErrorCategory.ReadError, item));
            }
        }
    }

    internal static MailIndexInfo Read(string dir, IndexCache cache, IndexCacheMode mode)
    {
        var state = MailboxState.Load(dir, cache, mode);
        var info = new MailIndexInfo(dir)
        {
            UidValidity = state.UidValidity,
            NextUid = state.NextUid,
            MessagesCount = state.MessagesCount,
            SeenCount = state.Messages.Count(m => (m.Flags & MailIndexFlags.Seen) != 0),
            DeletedCount = state.Messages.Count(m => (m.Flags & MailIndexFlags.Deleted) != 0),
            IndexId = state.IndexId,
            FromIndex = state.FromIndex,
            LogPosition = state.LogPosition.FileSeq + ":" + state.LogPosition.Offset,
            CacheMode = (MailIndexCacheMode)(int)mode,
        };

        // The problems of dovecot.index are among the state's: it read the same file.
        if (state.IndexHeader is { } header)
        {
            info.LogFileSeq = header.LogFileSeq;
            info.LogFileHeadOffset = header.LogFileHeadOffset;
            info.LogFileTailOffset = header.LogFileTailOffset;
            info.Extensions = state.IndexExtensions.Select(e => e.Name).ToArray();
            info.Keywords = state.IndexKeywords.ToArray();
        }

        if (info.Keywords.Length == 0)
        {
            info.Keywords = state.Messages.SelectMany(m => m.Keywords).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }

        foreach (var file in new DirectoryInfo(dir).EnumerateFiles("dovecot.index*").OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            info.Files[file.Name] = file.Length;
        }

        info.Problems = state.Problems.Select(p => p.ToString()).Distinct(StringComparer.Ordinal).ToArray();
        return info;
    }
}
