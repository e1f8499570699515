using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MailStorage.Core.Index;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads a mailbox index folder and reports its header, counts, extensions, keywords and files.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MailIndex")]
[OutputType(typeof(MailIndexInfo))]
public sealed class GetMailIndexCommand : PSCmdlet
{
    /// <summary>The index folder (holding dovecot.index, dovecot.index.log); takes IndexDirectory from Get-MailStorageMailbox.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IndexDirectory")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (string item in Path)
        {
            string dir = SessionState.Path.GetUnresolvedProviderPathFromPSPath(item);
            if (!Directory.Exists(dir))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException("Cannot find the index folder '" + dir + "'."), "GetMailIndexPathNotFound", ErrorCategory.ObjectNotFound, item));
                continue;
            }

            try
            {
                WriteObject(Read(dir));
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
            {
                WriteError(new ErrorRecord(ex, "GetMailIndexReadFailed", ErrorCategory.ReadError, item));
            }
        }
    }

    internal static MailIndexInfo Read(string dir)
    {
        var state = MailboxState.Load(dir);
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
        };
        var problems = state.Problems.Select(p => p.ToString()).ToList();
        string indexPath = System.IO.Path.Combine(dir, "dovecot.index");
        if (File.Exists(indexPath))
        {
            var index = IndexFile.Read(indexPath);
            info.LogFileSeq = index.Header.LogFileSeq;
            info.LogFileHeadOffset = index.Header.LogFileHeadOffset;
            info.LogFileTailOffset = index.Header.LogFileTailOffset;
            info.Extensions = index.Extensions.Select(e => e.Name).ToArray();
            info.Keywords = index.Keywords.ToArray();
            foreach (var problem in index.Problems.Select(p => p.ToString()))
            {
                if (!problems.Contains(problem))
                {
                    problems.Add(problem);
                }
            }
        }

        if (info.Keywords.Length == 0)
        {
            info.Keywords = state.Messages.SelectMany(m => m.Keywords).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }

        foreach (var file in new DirectoryInfo(dir).EnumerateFiles("dovecot.index*").OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            info.Files[file.Name] = file.Length;
        }

        info.Problems = problems.ToArray();
        return info;
    }
}
