using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>What a rule found: where, the message (what, why, what to do), and a severity when it differs from the rule's default.</summary>
public readonly struct RuleFinding
{
    /// <summary>Creates a finding.</summary>
    public RuleFinding(SourceLocation location, string message, RuleSeverity? severity = null)
    {
        Location = location;
        Message = message;
        Severity = severity;
    }

    /// <summary>The setting that causes it, or the section or mail_location that lacks it.</summary>
    public SourceLocation Location { get; }

    /// <summary>What is wrong, why it breaks, what to do instead.</summary>
    public string Message { get; }

    /// <summary>A severity for this finding; null for the rule's default.</summary>
    public RuleSeverity? Severity { get; }
}
