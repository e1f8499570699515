using System.Globalization;

namespace MailStorage.Core;

/// <summary>
/// Number formatting for messages, problems and repair descriptions: always invariant, so what a file holds reads the
/// same under any locale (and matches Dovecot's own messages). Imported with <c>using static</c>.
/// </summary>
internal static class InvariantFormat
{
    /// <summary>The number in invariant digits, no grouping.</summary>
    internal static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
