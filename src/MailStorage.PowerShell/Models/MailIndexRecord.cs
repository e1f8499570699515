namespace MailStorage.PowerShell;

/// <summary>One message of a mailbox index as <c>Get-MailIndexRecord</c> reports it.</summary>
public sealed class MailIndexRecord
{
    internal MailIndexRecord(int seq, uint uid, string[] flags, string[] keywords, string? fileName)
    {
        Seq = seq;
        Uid = uid;
        Flags = flags;
        Keywords = keywords;
        FileName = fileName;
    }

    /// <summary>The sequence number (1-based).</summary>
    public int Seq { get; }

    /// <summary>The UID.</summary>
    public uint Uid { get; }

    /// <summary>The IMAP system flags set: \Answered \Flagged \Deleted \Seen \Draft.</summary>
    public string[] Flags { get; }

    /// <summary>The keyword names set.</summary>
    public string[] Keywords { get; }

    /// <summary>The Maildir file name from dovecot-uidlist (null when the uidlist has no line for the UID).</summary>
    public string? FileName { get; }
}
