namespace MailStorage.Core.Index;

/// <summary>
/// Something wrong in an index file, found while reading it: which file, at which byte offset, a stable code,
/// and a message worded like Dovecot's own (<c>next_uid 0</c>, <c>Unexpected garbage at EOF</c>). Readers collect
/// these instead of throwing, so a damaged file still yields what can be read; I/O errors still throw.
/// </summary>
public sealed class IndexProblem
{
    /// <summary>Creates a problem.</summary>
    public IndexProblem(string file, long offset, string code, string message)
    {
        File = file;
        Offset = offset;
        Code = code;
        Message = message;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>Byte offset in the file where the problem is.</summary>
    public long Offset { get; }

    /// <summary>A stable code, e.g. <c>IndexHeaderTooSmall</c>, <c>LogRecordTruncated</c>, <c>UidListNotOrdered</c>.</summary>
    public string Code { get; }

    /// <summary>What is wrong, in Dovecot's words where Dovecot has them.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => File + " (offset " + Offset + "): " + Message;
}
