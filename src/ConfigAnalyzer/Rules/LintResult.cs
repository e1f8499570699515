using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>The findings of one lint run, with what was linted.</summary>
public sealed class LintResult
{
    internal LintResult(DovecotConfig config, StorageProfile? profile, IReadOnlyList<ConfigRule> rules, IReadOnlyList<LintDiagnostic> diagnostics)
    {
        Config = config;
        Profile = profile;
        Rules = rules;
        Diagnostics = diagnostics;
    }

    /// <summary>The configuration linted.</summary>
    public DovecotConfig Config { get; }

    /// <summary>The storage profile, if any.</summary>
    public StorageProfile? Profile { get; }

    /// <summary>The rules that ran.</summary>
    public IReadOnlyList<ConfigRule> Rules { get; }

    /// <summary>The findings, in file and line order.</summary>
    public IReadOnlyList<LintDiagnostic> Diagnostics { get; }

    /// <summary>Whether an error that is not suppressed was found: the configuration is not safe on this storage.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == RuleSeverity.Error && !d.IsSuppressed);
}
