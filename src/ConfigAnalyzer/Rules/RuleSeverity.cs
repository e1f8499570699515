namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>How serious a finding is, least first.</summary>
public enum RuleSeverity
{
    /// <summary>Worth knowing; nothing breaks.</summary>
    Info,
    /// <summary>Works, but risks data or performance in some conditions.</summary>
    Warning,
    /// <summary>Breaks on this storage: corrupted indexes, lost mail or flags, failed deliveries.</summary>
    Error,
}
