using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using MailStorage.ConfigAnalyzer.Rules;
using Microsoft.CodeAnalysis;

namespace MailStorage.ConfigAnalyzer.Analyzer;

/// <summary>
/// The analyzer's diagnostic descriptors: one per rule in <see cref="RuleCatalog"/> (same id, title, severity and
/// help page) and one for a storage profile that cannot be read.
/// </summary>
public static class AnalyzerDescriptors
{
    /// <summary>The category of every descriptor.</summary>
    public const string Category = "MailStorage.Storage";

    /// <summary>The id of <see cref="ProfileUnreadable"/>.</summary>
    public const string ProfileUnreadableId = "MSP001";

    /// <summary>The storage profile (a <c>MailStorageProfile</c> item) cannot be read.</summary>
    public static readonly DiagnosticDescriptor ProfileUnreadable = new DiagnosticDescriptor(
        ProfileUnreadableId,
        "storage profile cannot be read",
        "{0}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The MailStorageProfile file is not a valid storage profile; rules that need the storage (mounts, topology) did not run.",
        helpLinkUri: RuleIdentifiers.HelpBase + ProfileUnreadableId + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>Descriptors for the rules, by rule id.</summary>
    public static IReadOnlyDictionary<string, DiagnosticDescriptor> ForRules { get; } =
        RuleCatalog.All.ToDictionary(r => r.Id, Create);

    /// <summary>Every descriptor, rules first in id order, then <see cref="ProfileUnreadable"/>.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        RuleCatalog.All.Select(r => ForRules[r.Id]).Append(ProfileUnreadable).ToImmutableArray();

    /// <summary>The Roslyn severity of a rule severity.</summary>
    public static DiagnosticSeverity ToDiagnosticSeverity(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Error => DiagnosticSeverity.Error,
        RuleSeverity.Warning => DiagnosticSeverity.Warning,
        _ => DiagnosticSeverity.Info,
    };

    // The ids are constants in RuleIdentifiers, the one registry; release tracking lists them in
    // AnalyzerReleases.Unshipped.md, and a test checks that every rule is there.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("MicrosoftCodeAnalysisDesign", "RS1017:DiagnosticId for analyzers must be a non-null constant",
        Justification = "Rule ids come from RuleIdentifiers through RuleCatalog; the analyzer and the cmdlets share one catalog.")]
    private static DiagnosticDescriptor Create(ConfigRule rule) => new DiagnosticDescriptor(
        rule.Id,
        rule.Title,
        "{0}",
        Category,
        ToDiagnosticSeverity(rule.DefaultSeverity),
        isEnabledByDefault: true,
        helpLinkUri: rule.HelpUri,
        customTags: WellKnownDiagnosticTags.CompilationEnd);
}
