using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>How bad a reading problem is.</summary>
public enum ConfigDiagnosticSeverity
{
    /// <summary>doveconf warns and goes on.</summary>
    Warning,
    /// <summary>doveconf logs an error but goes on (an obsolete setting it cannot translate).</summary>
    Error,
    /// <summary>The configuration parses, but Dovecot refuses it (a cross-setting check, a filter conflict).</summary>
    CheckFailed,
    /// <summary>doveconf stops reading here.</summary>
    Fatal,
}

/// <summary>A problem found while reading, worded as doveconf words it, with the place it applies to.</summary>
public sealed class ConfigDiagnostic
{
    internal ConfigDiagnostic(ConfigDiagnosticSeverity severity, string message, SourceLocation? location, string doveconfText)
    {
        Severity = severity;
        Message = message;
        Location = location;
        DoveconfText = doveconfText;
    }

    /// <summary>Warning, failed check or fatal error.</summary>
    public ConfigDiagnosticSeverity Severity { get; }

    /// <summary>The bare message, e.g. <c>Unknown setting: foo</c>.</summary>
    public string Message { get; }

    /// <summary>The file and line it applies to, when there is one.</summary>
    public SourceLocation? Location { get; }

    /// <summary>The whole line as doveconf prints it, e.g. <c>Error in configuration file a.conf line 3: Unknown setting: foo</c>.</summary>
    public string DoveconfText { get; }

    /// <inheritdoc />
    public override string ToString() => DoveconfText;
}
