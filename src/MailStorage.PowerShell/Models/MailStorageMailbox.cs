using MailStorage.Core.Mailboxes;

namespace MailStorage.PowerShell;

/// <summary>A mailbox as <c>Get-MailStorageMailbox</c> reports it: its name and where its mail, index and control files are.</summary>
public sealed class MailStorageMailbox
{
    internal MailStorageMailbox(MailboxLocation location, MailIndexCacheMode? cacheMode)
    {
        Name = location.Name;
        MailDirectory = location.MailDirectory;
        IndexDirectory = location.IndexDirectory;
        ControlDirectory = location.ControlDirectory;
        Format = location.Format;
        CacheMode = cacheMode;
    }

    /// <summary>The mailbox name ('/' separates levels): INBOX, Sent, A/B.</summary>
    public string Name { get; }

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
