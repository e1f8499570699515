using MailStorage.ConfigAnalyzer.Rules;

namespace MailStorage.PowerShell;

/// <summary>
/// One finding of <c>Test-MailStorageConfig</c>: which rule, how serious, what is wrong and what to do, and the
/// file, line and column of the setting that causes it (or of the section that lacks it).
/// </summary>
public sealed class StorageDiagnostic
{
    internal StorageDiagnostic(LintDiagnostic diagnostic)
    {
        RuleId = diagnostic.RuleId;
        Title = diagnostic.Title;
        Severity = Convert(diagnostic.Severity);
        Message = diagnostic.Message;
        File = diagnostic.File;
        Line = diagnostic.Line;
        Column = diagnostic.Column;
        Filter = diagnostic.Filter;
        HelpUri = diagnostic.HelpUri;
        IsSuppressed = diagnostic.IsSuppressed;
        SuppressionReason = diagnostic.SuppressionReason;
    }

    /// <summary>The rule id, e.g. <c>MSD010</c>; its page is <see cref="HelpUri"/>.</summary>
    public string RuleId { get; }

    /// <summary>The rule's one-line title.</summary>
    public string Title { get; }

    /// <summary>How serious the finding is, after the storage profile's overrides.</summary>
    public StorageDiagnosticSeverity Severity { get; }

    /// <summary>What is wrong on this storage, why, and what to do.</summary>
    public string Message { get; }

    /// <summary>The configuration file the finding points into.</summary>
    public string File { get; }

    /// <summary>1-based line in <see cref="File"/>.</summary>
    public int Line { get; }

    /// <summary>1-based column in <see cref="File"/>.</summary>
    public int Column { get; }

    /// <summary>The filter the finding applies to, e.g. <c>protocol=lmtp</c>; empty for the global settings.</summary>
    public string Filter { get; }

    /// <summary>The rule's documentation page.</summary>
    public string HelpUri { get; }

    /// <summary>Whether a <c># mailstorage-disable-...</c> comment in the configuration covers the finding.</summary>
    public bool IsSuppressed { get; }

    /// <summary>The reason the suppression comment gives; null when not suppressed.</summary>
    public string? SuppressionReason { get; }

    /// <summary><c>file:line:column: severity ID: message</c>.</summary>
    public override string ToString() =>
        File + ":" + Line + ":" + Column + ": " + Severity.ToString().ToLowerInvariant() + " " + RuleId + ": " + Message;

    internal static StorageDiagnosticSeverity Convert(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Error => StorageDiagnosticSeverity.Error,
        RuleSeverity.Warning => StorageDiagnosticSeverity.Warning,
        _ => StorageDiagnosticSeverity.Info,
    };

    internal static RuleSeverity Convert(StorageDiagnosticSeverity severity) => severity switch
    {
        StorageDiagnosticSeverity.Error => RuleSeverity.Error,
        StorageDiagnosticSeverity.Warning => RuleSeverity.Warning,
        _ => RuleSeverity.Info,
    };
}

/// <summary>How serious a <see cref="StorageDiagnostic"/> is, least first (so <c>-ge</c> and sorting work).</summary>
public enum StorageDiagnosticSeverity
{
    /// <summary>Worth knowing; nothing breaks.</summary>
    Info,

    /// <summary>Works, but risks data or performance in some conditions.</summary>
    Warning,

    /// <summary>Breaks on this storage: corrupted indexes, lost mail or flags, failed deliveries.</summary>
    Error,
}
