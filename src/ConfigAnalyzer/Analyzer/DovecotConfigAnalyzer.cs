using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Storage;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

// The assembly is both the analyzer and the library the PowerShell module uses, and a Dovecot configuration is more
// than the AdditionalFiles the compiler hands over: !include and !include_try name files (and globs) on disk, which
// must be read like the compiler reads AdditionalFiles, or an unsafe conf.d/*.conf would pass unseen. The package's
// targets make every *.conf under the configuration's directory a compile input, so the build reruns when one changes.
[assembly: SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1035:Do not use APIs banned for analyzers",
    Justification = "Configuration includes and the storage profile are read from disk, as the compiler reads AdditionalFiles.")]

// Release tracking sees only descriptors made from constants (MSP001); the rule descriptors are made from RuleCatalog
// at run time, so it cannot tell that MSD000... are reported. The package tests check instead that every rule in
// RuleCatalog is listed in AnalyzerReleases.Unshipped.md (or Shipped.md) with its severity.
[assembly: SuppressMessage("MicrosoftCodeAnalysisReleaseTracking", "RS2002:Do not add removed analyzer diagnostic IDs to unshipped analyzer release",
    Justification = "Rule descriptors come from RuleCatalog at run time; ReleaseTrackingTests checks the files against the catalog.")]

namespace MailStorage.ConfigAnalyzer.Analyzer;

/// <summary>
/// Lints the Dovecot configurations of a project during the build. The package's targets turn
/// <c>&lt;DovecotConfig Include="dovecot.conf" /&gt;</c> and <c>&lt;MailStorageProfile Include="mailstorage.yaml" /&gt;</c>
/// into AdditionalFiles whose <c>MailStorageKind</c> metadata says which is which; each configuration is linted
/// (with its includes, read from disk) against the profile, and every finding is reported at its file, line and
/// column under the rule's id, so <c>.globalconfig</c>/<c>.editorconfig</c> severities and
/// <c>&lt;NoWarn&gt;</c> apply as to any compiler diagnostic.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp, LanguageNames.VisualBasic)]
[SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1038:Compiler extensions should be implemented in assemblies with compiler-provided references",
    Justification = "Only Microsoft.CodeAnalysis (common) types are used; the package reference is Microsoft.CodeAnalysis.CSharp because that is the one pinned, and no C# API is called.")]
public sealed class DovecotConfigAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The AdditionalFiles metadata (made compiler-visible by the package) that marks a file.</summary>
    public const string KindMetadata = "build_metadata.AdditionalFiles.MailStorageKind";

    /// <summary><see cref="KindMetadata"/> of a Dovecot configuration.</summary>
    public const string DovecotConfigKind = "DovecotConfig";

    /// <summary><see cref="KindMetadata"/> of a storage profile.</summary>
    public const string ProfileKind = "MailStorageProfile";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => AnalyzerDescriptors.All;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        if (context == null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationAction(AnalyzeCompilation);
    }

    private static void AnalyzeCompilation(CompilationAnalysisContext context)
    {
        var additionalFiles = context.Options.AdditionalFiles;
        if (additionalFiles.IsDefaultOrEmpty)
        {
            return;
        }

        var configs = new List<AdditionalText>();
        var profiles = new List<AdditionalText>();
        foreach (var file in additionalFiles)
        {
            var options = context.Options.AnalyzerConfigOptionsProvider.GetOptions(file);
            if (!options.TryGetValue(KindMetadata, out var kind))
            {
                continue;
            }

            if (string.Equals(kind, DovecotConfigKind, StringComparison.OrdinalIgnoreCase))
            {
                configs.Add(file);
            }
            else if (string.Equals(kind, ProfileKind, StringComparison.OrdinalIgnoreCase))
            {
                profiles.Add(file);
            }
        }

        if (configs.Count == 0 && profiles.Count == 0)
        {
            return;
        }

        var texts = new ConfigFileText(configs.Concat(profiles), context.CancellationToken);
        var profile = LoadProfile(profiles, texts, context);
        foreach (var config in configs)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var result = ConfigLinter.Lint(config.Path, profile);
            foreach (var finding in result.Diagnostics.Where(d => !d.IsSuppressed))
            {
                if (!AnalyzerDescriptors.ForRules.TryGetValue(finding.RuleId, out var descriptor))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    descriptor,
                    texts.LocationOf(finding.File, finding.Line, finding.Column),
                    AnalyzerDescriptors.ToDiagnosticSeverity(finding.Severity),
                    additionalLocations: null,
                    properties: null,
                    finding.Message));
            }
        }
    }

    // The first MailStorageProfile item is the profile; without one, rules that need the storage do not run.
    // A profile that cannot be read is reported at the place at fault, and the configurations are still linted
    // by the rules that need no profile.
    private static StorageProfile? LoadProfile(List<AdditionalText> profiles, ConfigFileText texts, CompilationAnalysisContext context)
    {
        if (profiles.Count == 0)
        {
            return null;
        }

        string path = profiles[0].Path;
        try
        {
            return StorageProfile.Load(path);
        }
        catch (StorageProfileException e)
        {
            var at = e.Location;
            var location = texts.LocationOf(string.IsNullOrEmpty(at.File) ? path : at.File, at.Line, at.Column);
            context.ReportDiagnostic(Diagnostic.Create(AnalyzerDescriptors.ProfileUnreadable, location, e.Reason));
            return null;
        }
    }
}
