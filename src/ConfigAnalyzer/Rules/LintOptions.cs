using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>What to lint and what to report.</summary>
public sealed class LintOptions
{
    /// <summary>Report findings at or above this severity.</summary>
    public RuleSeverity MinimumSeverity { get; set; } = RuleSeverity.Info;

    /// <summary>Also report findings that suppression comments cover (marked as suppressed).</summary>
    public bool IncludeSuppressed { get; set; }

    /// <summary>The rules to run; null for every rule in <see cref="RuleCatalog"/>.</summary>
    public IReadOnlyList<ConfigRule>? Rules { get; set; }
}
