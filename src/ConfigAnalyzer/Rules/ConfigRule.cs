using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// One lint rule. A rule looks at one scope at a time (the global settings, or the settings a filter such as
/// <c>protocol lmtp</c> gets) and says what is wrong there and where. Subclasses are sealed, one per file,
/// named <c>&lt;ID&gt;&lt;Title&gt;</c>, and found by <see cref="RuleCatalog"/>.
/// </summary>
public abstract class ConfigRule
{
    /// <summary>Creates a rule.</summary>
    protected ConfigRule(string id, string title, RuleSeverity defaultSeverity, bool needsProfile)
    {
        Id = id;
        Title = title;
        DefaultSeverity = defaultSeverity;
        NeedsProfile = needsProfile;
    }

    /// <summary>The rule id from <see cref="RuleIdentifiers"/>.</summary>
    public string Id { get; }

    /// <summary>A one-line title.</summary>
    public string Title { get; }

    /// <summary>Severity unless the finding or the profile says otherwise.</summary>
    public RuleSeverity DefaultSeverity { get; }

    /// <summary>Only meaningful with a storage profile (mounts, topology); skipped without one.</summary>
    public bool NeedsProfile { get; }

    /// <summary>The rule's documentation page.</summary>
    public string HelpUri => RuleIdentifiers.HelpUri(Id);

    /// <summary>What is wrong in <paramref name="scope"/>.</summary>
    public abstract IEnumerable<RuleFinding> Analyze(LintScope scope);
}
