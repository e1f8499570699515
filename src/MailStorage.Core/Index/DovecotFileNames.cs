namespace MailStorage.Core.Index;

/// <summary>
/// The names Dovecot gives its index, log, cache and Maildir control files (lib-index, maildir-uidlist.c,
/// maildir-keywords.c, mailbox-list-index.c): the one place they are spelled, so the locator, the locks, the
/// verification and the repair always look at the same files.
/// </summary>
public static class DovecotFileNames
{
    /// <summary>The main index (MAIL_INDEX_PREFIX).</summary>
    public const string Index = "dovecot.index";

    /// <summary>Appended to an index's name for its transaction log (MAIL_TRANSACTION_LOG_SUFFIX).</summary>
    public const string LogSuffix = ".log";

    /// <summary>Appended to a transaction log's name for the rotated log.</summary>
    public const string RotatedSuffix = ".2";

    /// <summary>Appended to an index's name for its rotated transaction log.</summary>
    public const string Log2Suffix = LogSuffix + RotatedSuffix;

    /// <summary>Appended to an index's name for its cache (MAIL_CACHE_FILE_SUFFIX).</summary>
    public const string CacheSuffix = ".cache";

    /// <summary>The main index's transaction log.</summary>
    public const string IndexLog = Index + LogSuffix;

    /// <summary>The main index's rotated transaction log.</summary>
    public const string IndexLog2 = Index + Log2Suffix;

    /// <summary>The main index's cache.</summary>
    public const string IndexCache = Index + CacheSuffix;

    /// <summary>Maildir's uidlist (MAILDIR_UIDLIST_NAME).</summary>
    public const string UidList = "dovecot-uidlist";

    /// <summary>Maildir's keywords file (MAILDIR_KEYWORDS_NAME).</summary>
    public const string Keywords = "dovecot-keywords";

    /// <summary>The mailbox list index (MAILBOX_LIST_INDEX_DEFAULT_PREFIX).</summary>
    public const string ListIndex = "dovecot.list.index";

    /// <summary>The mailbox list index's transaction log.</summary>
    public const string ListIndexLog = ListIndex + LogSuffix;

    /// <summary>The mailbox list index's cache.</summary>
    public const string ListIndexCache = ListIndex + CacheSuffix;

    /// <summary>mdbox's map index (MDBOX_GLOBAL_INDEX_PREFIX).</summary>
    public const string MapIndex = "dovecot.map.index";

    /// <summary>mdbox's map index's transaction log.</summary>
    public const string MapIndexLog = MapIndex + LogSuffix;

    /// <summary>mdbox's map index's cache.</summary>
    public const string MapIndexCache = MapIndex + CacheSuffix;
}
