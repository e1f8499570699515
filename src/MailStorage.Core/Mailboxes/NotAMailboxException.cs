using System;
using System.IO;

namespace MailStorage.Core.Mailboxes;

/// <summary>
/// A folder given as a mailbox (or a mail root) that Dovecot never made one: the message says what was looked for
/// and where (<see cref="MailboxLocator.WhyNotAMailbox"/>). Cmdlets write it as <c>&lt;Cmdlet&gt;NotAMailbox</c>.
/// </summary>
public sealed class NotAMailboxException : IOException
{
    /// <summary>Creates the exception.</summary>
    public NotAMailboxException(string path, string message)
        : base(message)
    {
        Path = path;
    }

    /// <summary>Creates the exception (for serializers and analyzers; use the other constructor).</summary>
    public NotAMailboxException()
        : this(string.Empty, "Not a Dovecot mailbox.")
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers; use the other constructor).</summary>
    public NotAMailboxException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers; use the other constructor).</summary>
    public NotAMailboxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>The folder given.</summary>
    public string Path { get; }

    /// <summary>Throws when <paramref name="location"/> is not a mailbox (see <see cref="MailboxLocator.WhyNotAMailbox"/>).</summary>
    public static void ThrowIfNotAMailbox(MailboxLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (MailboxLocator.WhyNotAMailbox(location) is string why)
        {
            throw new NotAMailboxException(location.IndexDirectory, why);
        }
    }
}
