using System;
using System.Linq;

namespace MailStorage.Core.Mailboxes;

/// <summary>
/// The mailbox formats the index cmdlets accept, by Dovecot's driver names. Maildir is verified against its
/// dovecot-uidlist and mail files; for sdbox, mdbox and mbox only the index, log and cache are checked today (their
/// mail stores are not read), which callers must say rather than let a sound result suggest more.
/// </summary>
public static class MailboxFormat
{
    /// <summary>Dovecot's Maildir driver name.</summary>
    public const string Maildir = "maildir";

    /// <summary>The driver names accepted, as Dovecot spells them (dbox is Dovecot's old name of sdbox).</summary>
    public static readonly string[] Names = { Maildir, "sdbox", "mdbox", "dbox", "mbox" };

    /// <summary>
    /// <paramref name="format"/> as Dovecot's driver name (case-insensitively, as mail_location's driver is matched;
    /// null or empty is maildir), or null when Dovecot has no such mailbox format.
    /// </summary>
    public static string? Normalize(string? format)
    {
        if (string.IsNullOrEmpty(format))
        {
            return Maildir;
        }

        return Names.FirstOrDefault(n => string.Equals(n, format, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether verification reads this format's mail store too (only Maildir's), not only its index files.</summary>
    public static bool IsMailStoreVerified(string format) => string.Equals(format, Maildir, StringComparison.OrdinalIgnoreCase);

    /// <summary>The refusal of an unknown format, naming it and the accepted ones.</summary>
    public static string Unknown(string format) =>
        "'" + format + "' is not a mailbox format Dovecot knows; use one of " + string.Join(", ", Names) + ".";

    /// <summary>What is not verified for <paramref name="format"/> (null for Maildir).</summary>
    public static string? NotVerified(string format) => IsMailStoreVerified(format)
        ? null
        : "format " + format + ": only dovecot.index, its logs and dovecot.index.cache are verified; the " + format +
          " mail store (" + (format == "mbox" ? "the mbox file" : format == "mdbox" ? "the map index and m.N files" : "the u.N files") +
          ") is not read, so a sound result says nothing about it.";
}
