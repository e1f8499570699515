using System;
using MailStorage.Core.Index;
using MailStorage.Core.Mailboxes;

namespace MailStorage.PowerShell;

/// <summary>
/// A mailbox as <c>Get-MailStorageMailbox</c> reports it: its name, where its mail, index and control files are, and
/// what Dovecot's mailbox list index says about it (GUID, UIDVALIDITY, cached STATUS) when there is one.
/// </summary>
public sealed class MailStorageMailbox
{
    internal MailStorageMailbox(MailboxLocation location, MailIndexCacheMode? cacheMode, int? indexedMessages = null)
    {
        Name = location.Name;
        MailDirectory = location.MailDirectory;
        IndexDirectory = location.IndexDirectory;
        ControlDirectory = location.ControlDirectory;
        Format = location.Format;
        DisplayName = location.DisplayName;
        MailboxListEntry? entry = location.ListEntry;
        if (entry != null)
        {
            InListIndex = true;
            Guid = entry.Guid;
            UidValidity = entry.UidValidity == 0 ? null : entry.UidValidity;
            CachedMessages = entry.Status?.Messages;
            CachedUnseen = entry.Status?.Unseen;
            CachedUidNext = entry.Status?.UidNext;
            CachedStatusCurrent = entry.Status != null && entry.IsStatusCurrent(location.IndexDirectory, location.MailDirectory);
        }
        CacheMode = cacheMode;
        Messages = CachedMessages ?? (indexedMessages is { } count ? (uint)count : null);
    }

    /// <summary>The mailbox name ('/' separates levels) as stored on disk: INBOX, Sent, A/B, non-ASCII in modified UTF-7.</summary>
    public string Name { get; }

    /// <summary>
    /// <see cref="Name"/> again, under the name Test-MailIndex and Repair-MailIndex take by property, so that only a
    /// mailbox object (not a piped file or folder with its own Name) labels their findings.
    /// </summary>
    public string Mailbox => Name;

    /// <summary>The name as mail clients show it (non-ASCII decoded).</summary>
    public string DisplayName { get; }

    /// <summary>Whether the mailbox list index (dovecot.list.index) has this mailbox.</summary>
    public bool InListIndex { get; }

    /// <summary>The mailbox GUID from the list index, or null.</summary>
    public Guid? Guid { get; }

    /// <summary>UIDVALIDITY from the list index, or null.</summary>
    public uint? UidValidity { get; }

    /// <summary>The message count Dovecot cached in the list index (never for INBOX by default), or null.</summary>
    public uint? CachedMessages { get; }

    /// <summary>
    /// How many messages the mailbox holds: <see cref="CachedMessages"/>, or, where the list index caches none (INBOX,
    /// by default), the count of the mailbox's own index; null when neither is there.
    /// </summary>
    public uint? Messages { get; }

    /// <summary>The unseen count Dovecot cached in the list index, or null.</summary>
    public uint? CachedUnseen { get; }

    /// <summary>The UIDNEXT Dovecot cached in the list index, or null.</summary>
    public uint? CachedUidNext { get; }

    /// <summary>
    /// Whether Dovecot would answer STATUS from the cached values now: the mailbox's dovecot.index.log, new/ and cur/
    /// have not changed since they were cached.
    /// </summary>
    public bool CachedStatusCurrent { get; }

    /// <summary>The Maildir holding cur/, new/ and tmp/.</summary>
    public string MailDirectory { get; }

    /// <summary>The folder of dovecot.index, dovecot.index.log and dovecot.index.cache.</summary>
    public string IndexDirectory { get; }

    /// <summary>The folder of dovecot-uidlist and dovecot-keywords.</summary>
    public string ControlDirectory { get; }

    /// <summary>The mailbox format: maildir.</summary>
    public string Format { get; }

    /// <summary>
    /// With -ConfigPath: how Dovecot reads this mailbox's index (from mmap_disable, mail_nfs_index and the filesystem of
    /// IndexDirectory), which Get-MailIndex and Get-MailIndexRecord then use. Null without a configuration.
    /// </summary>
    public MailIndexCacheMode? CacheMode { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
