using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// A path a Dovecot configuration uses (a mail root, INDEX=, CONTROL=, VOLATILEDIR=, mail_home ...) and its static
/// prefix: the folder before the first <c>%</c> variable or <c>~</c>, which decides the mount for every user.
/// </summary>
public sealed class ConfigPathPrefix
{
    internal ConfigPathPrefix(string setting, string template, string? prefix, string? reason, SourceLocation? location)
    {
        Setting = setting;
        Template = template;
        Prefix = prefix;
        Reason = reason;
        Location = location;
    }

    /// <summary>Where the path comes from, e.g. <c>mail_location INDEX</c> or <c>namespace inbox { location }</c>.</summary>
    public string Setting { get; }

    /// <summary>The path as configured, variables unexpanded: <c>/srv/mail/%d/%n/index</c>.</summary>
    public string Template { get; }

    /// <summary>The static folder (<c>/srv/mail</c>); null when the path cannot be placed (see <see cref="Reason"/>).</summary>
    public string? Prefix { get; }

    /// <summary>Why <see cref="Prefix"/> is null: a home directory only the userdb knows, a relative path.</summary>
    public string? Reason { get; }

    /// <summary>Where the setting is assigned; null for a default.</summary>
    public SourceLocation? Location { get; }

    /// <inheritdoc />
    public override string ToString() => Setting + " = " + Template + (Prefix != null ? " -> " + Prefix : " (" + Reason + ")");
}
