using System;
using System.Collections.Generic;
using System.IO;
using MailStorage.Core.Caching;
using MailStorage.Core.Locking;

namespace MailStorage.Core.Index;

/// <summary>One message of a mailbox index: its sequence number (from 1), its index record, and its Maildir file name.</summary>
/// <param name="Sequence">The message's sequence number, from 1.</param>
/// <param name="Message">The message's index record.</param>
/// <param name="FileName">The Maildir file name dovecot-uidlist gives its UID; null when the uidlist has none.</param>
public readonly record struct IndexedMessage(int Sequence, MailboxMessage Message, string? FileName);

/// <summary>
/// Joins the messages of a mailbox index to their Maildir file names: the index knows UIDs and flags, only
/// dovecot-uidlist (in the control folder) knows which file each UID is.
/// </summary>
public static class MessageFileNames
{
    /// <summary>
    /// The dovecot-uidlist of <paramref name="controlDirectory"/>, read through <paramref name="cache"/> (while it is
    /// unchanged it is not read again); null when there is none.
    /// </summary>
    public static UidList? ReadUidList(string controlDirectory, IndexCache cache, IndexCacheMode mode)
    {
        ArgumentNullException.ThrowIfNull(controlDirectory);
        ArgumentNullException.ThrowIfNull(cache);
        string path = Path.Combine(controlDirectory, DovecotFileNames.UidList);
        return File.Exists(path) ? UidList.Parse(cache.Get(path, mode).GetBytes().Span, path) : null;
    }

    /// <summary>
    /// Each of <paramref name="messages"/> in order, with its sequence number and the file name
    /// <paramref name="uidList"/> gives its UID (null without a uidlist, or for a UID it does not list). Lazy, so a
    /// caller can report progress over a large mailbox.
    /// </summary>
    public static IEnumerable<IndexedMessage> Join(IReadOnlyList<MailboxMessage> messages, UidList? uidList)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Dictionary<uint, string>? files = null;
        if (uidList != null)
        {
            files = new Dictionary<uint, string>(uidList.Records.Count);
            foreach (var record in uidList.Records)
            {
                files[record.Uid] = record.FileName;
            }
        }

        return Enumerate(messages, files);
    }

    // Apart from Join so that its argument checks run at the call, not at the first MoveNext.
    private static IEnumerable<IndexedMessage> Enumerate(IReadOnlyList<MailboxMessage> messages, Dictionary<uint, string>? files)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            string? fileName = null;
            files?.TryGetValue(message.Uid, out fileName);
            yield return new IndexedMessage(i + 1, message, fileName);
        }
    }
}
