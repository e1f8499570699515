using System;
using System.Linq;

namespace MailStorage.Core.Mailboxes;

/// <summary>
/// The user names a mail path may be expanded for. Dovecot's auth refuses a name with a character outside
/// auth_username_chars ("Username contains disallowed characters"; the default allows letters, digits and
/// <c>.-_@</c>, so never '/'); a name that would make mail_location climb out of the mail tree (<c>..</c>) is refused
/// here whatever the configuration, since this module runs as root.
/// </summary>
public static class MailUserName
{
    /// <summary>Refuses <paramref name="user"/> when Dovecot would, or when it is no single path level.</summary>
    /// <param name="user">user or user@domain.</param>
    /// <param name="allowedChars">auth_username_chars; empty allows every character (as in Dovecot).</param>
    /// <exception cref="ArgumentException">The user name is refused; the message says why.</exception>
    public static void Check(string user, string? allowedChars)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Length == 0)
        {
            throw new ArgumentException("The user name is empty.", nameof(user));
        }

        if (user.Contains('\0', StringComparison.Ordinal) || user.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                "The user name '" + user.Replace("\0", "`0", StringComparison.Ordinal) + "' holds '" + (user.Contains('/', StringComparison.Ordinal) ? "/" : "`0") +
                "': Dovecot refuses such names (Username contains disallowed characters), and in a mail path it would lead elsewhere.",
                nameof(user));
        }

        if (!string.IsNullOrEmpty(allowedChars) && user.FirstOrDefault(c => allowedChars.IndexOf(c, StringComparison.Ordinal) < 0) is var bad && bad != default(char))
        {
            throw new ArgumentException(
                "The user name '" + user + "' holds '" + bad + "', which auth_username_chars does not allow: Dovecot refuses it (Username contains disallowed characters).",
                nameof(user));
        }

        int at = user.IndexOf('@', StringComparison.Ordinal);
        foreach (string part in at < 0 ? new[] { user } : new[] { user.Substring(0, at), user.Substring(at + 1) })
        {
            if (part is "." or "..")
            {
                throw new ArgumentException("The user name '" + user + "' has a part '" + part + "', which in a mail path names a folder above the user's.", nameof(user));
            }
        }
    }

    /// <summary>
    /// Refuses an expanded path that has a <c>.</c> or <c>..</c> level its template did not have: a part of the user
    /// name (<c>%2.2u</c> of <c>a..b</c>) turned into a level that leaves the user's folder.
    /// </summary>
    /// <exception cref="ArgumentException">The path climbs; the message names it.</exception>
    public static void CheckExpanded(string template, string expanded, string user)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(expanded);
        static int Climbs(string path) => path.Split('/').Count(level => level is "." or "..");
        if (Climbs(expanded) > Climbs(template))
        {
            throw new ArgumentException("For the user '" + user + "', '" + template + "' expands to '" + expanded + "', which climbs out of the user's folder.", nameof(user));
        }
    }
}
