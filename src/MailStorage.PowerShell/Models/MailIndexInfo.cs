using System.Collections;
using System.Collections.Specialized;

namespace MailStorage.PowerShell;

/// <summary>
/// The state of one mailbox index as <c>Get-MailIndex</c> reports it: the current values (dovecot.index with the
/// transaction log after it applied), the on-disk header's log position, extensions, keywords and files.
/// </summary>
public sealed class MailIndexInfo
{
    internal MailIndexInfo(string path)
    {
        Path = path;
    }

    /// <summary>The index folder.</summary>
    public string Path { get; }

    /// <summary>uid_validity (current).</summary>
    public uint UidValidity { get; internal set; }

    /// <summary>next_uid (current).</summary>
    public uint NextUid { get; internal set; }

    /// <summary>The number of messages (current).</summary>
    public int MessagesCount { get; internal set; }

    /// <summary>Messages with \Seen (current).</summary>
    public int SeenCount { get; internal set; }

    /// <summary>Messages with \Deleted (current).</summary>
    public int DeletedCount { get; internal set; }

    /// <summary>indexid.</summary>
    public uint IndexId { get; internal set; }

    /// <summary>log_file_seq of dovecot.index's header (0 without dovecot.index).</summary>
    public uint LogFileSeq { get; internal set; }

    /// <summary>log_file_head_offset of dovecot.index's header.</summary>
    public uint LogFileHeadOffset { get; internal set; }

    /// <summary>log_file_tail_offset of dovecot.index's header.</summary>
    public uint LogFileTailOffset { get; internal set; }

    /// <summary>Whether dovecot.index existed and was usable (otherwise the values come from the log alone).</summary>
    public bool FromIndex { get; internal set; }

    /// <summary>The log sequence and offset the replay ended at, as "seq:offset".</summary>
    public string LogPosition { get; internal set; } = string.Empty;

    /// <summary>The names of dovecot.index's extensions.</summary>
    public string[] Extensions { get; internal set; } = [];

    /// <summary>The keyword names, in index order.</summary>
    public string[] Keywords { get; internal set; } = [];

    /// <summary>The dovecot.index* files present: name → size in bytes.</summary>
    public IDictionary Files { get; } = new OrderedDictionary();

    /// <summary>How the files were read: Mmap, Buffered or BufferedFlush.</summary>
    public MailIndexCacheMode CacheMode { get; internal set; }

    /// <summary>What was wrong with the files read, one line each.</summary>
    public string[] Problems { get; internal set; } = [];
}
