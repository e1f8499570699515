namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>One finding as reported: rule, severity, message, place, help, and whether it was suppressed.</summary>
public sealed class LintDiagnostic
{
    internal LintDiagnostic(string ruleId, string title, RuleSeverity severity, string message, string file, int line, int column, string filter, string? suppressionReason, bool isSuppressed)
    {
        RuleId = ruleId;
        Title = title;
        Severity = severity;
        Message = message;
        File = file;
        Line = line;
        Column = column;
        Filter = filter;
        SuppressionReason = suppressionReason;
        IsSuppressed = isSuppressed;
    }

    /// <summary>The rule id.</summary>
    public string RuleId { get; }

    /// <summary>The rule's title.</summary>
    public string Title { get; }

    /// <summary>Severity after the profile's overrides.</summary>
    public RuleSeverity Severity { get; }

    /// <summary>What is wrong, why, and what to do.</summary>
    public string Message { get; }

    /// <summary>The configuration file.</summary>
    public string File { get; }

    /// <summary>1-based line.</summary>
    public int Line { get; }

    /// <summary>1-based column.</summary>
    public int Column { get; }

    /// <summary>The filter the finding applies to (e.g. <c>protocol=lmtp</c>); empty for global.</summary>
    public string Filter { get; }

    /// <summary>The rule's documentation.</summary>
    public string HelpUri => RuleIdentifiers.HelpUri(RuleId);

    /// <summary>A suppression comment in the configuration covers this finding.</summary>
    public bool IsSuppressed { get; }

    /// <summary>The reason the suppression gives.</summary>
    public string? SuppressionReason { get; }

    /// <summary><c>file(line,col): severity ID: message</c>, as compilers print.</summary>
    public override string ToString() =>
        File + "(" + Line + "," + Column + "): " + Severity.ToString().ToLowerInvariant() + " " + RuleId + ": " + Message;
}
