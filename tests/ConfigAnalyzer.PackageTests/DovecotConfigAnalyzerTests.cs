using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailStorage.ConfigAnalyzer.Analyzer;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace MailStorage.ConfigAnalyzer.PackageTests;

/// <summary>
/// The analyzer in-process: AdditionalFiles marked by <c>build_metadata.AdditionalFiles.MailStorageKind</c> (as the
/// package's targets mark them), findings at their file, line and column, severities from the rule and from
/// <c>.globalconfig</c>.
/// </summary>
public sealed class DovecotConfigAnalyzerTests
{
    [Fact]
    public async Task Safe_configuration_has_no_diagnostics()
    {
        using var folder = new ConfigFolder(ConfigFolder.Main, ConfigFolder.Mail("yes"), ConfigFolder.NfsSticky);
        await CreateTest(folder).RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Mmap_in_included_file_is_an_error_at_that_file_and_line()
    {
        using var folder = new ConfigFolder(ConfigFolder.Main, ConfigFolder.Mail("no"), ConfigFolder.NfsSticky);
        var test = CreateTest(folder, only: "MSD010");
        test.ExpectedDiagnostics.Add(new DiagnosticResult("MSD010", DiagnosticSeverity.Error).WithLocation(folder.MailPath, 3, 1));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Global_config_severity_override_applies()
    {
        using var folder = new ConfigFolder(ConfigFolder.Main, ConfigFolder.Mail("no"), ConfigFolder.NfsSticky);
        var test = CreateTest(folder, only: "MSD010", globalOptions: "dotnet_diagnostic.MSD010.severity = warning\n");
        test.ExpectedDiagnostics.Add(new DiagnosticResult("MSD010", DiagnosticSeverity.Warning).WithLocation(folder.MailPath, 3, 1));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Suppression_comment_in_configuration_is_honoured()
    {
        string mail = "mail_location = maildir:/srv/mail/%d/%n/Maildir\nmail_fsync = always\n" +
            "# mailstorage-disable-next-line MSD010: migration, see ticket 42\nmmap_disable = no\n";
        using var folder = new ConfigFolder(ConfigFolder.Main, mail, ConfigFolder.NfsSticky);
        await CreateTest(folder, only: "MSD010").RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Bad_profile_is_reported_where_it_is_wrong()
    {
        using var folder = new ConfigFolder(ConfigFolder.Main, ConfigFolder.Mail("yes"), "dovecot: \"2.3\"\ntopology: roaming\n");
        var test = CreateTest(folder);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(AnalyzerDescriptors.ProfileUnreadableId, DiagnosticSeverity.Error).WithLocation(folder.ProfilePath, 2, 11));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Files_without_the_metadata_are_ignored()
    {
        using var folder = new ConfigFolder(ConfigFolder.Main, ConfigFolder.Mail("no"), ConfigFolder.NfsSticky);
        var test = new CSharpAnalyzerTest<DovecotConfigAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            TestCode = "public class C { }",
        };
        test.TestState.AdditionalFiles.Add((folder.ConfigPath, File.ReadAllText(folder.ConfigPath)));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public void Every_rule_has_a_descriptor_with_its_severity_and_help_link()
    {
        var descriptors = new DovecotConfigAnalyzer().SupportedDiagnostics;
        foreach (var rule in MailStorage.ConfigAnalyzer.Rules.RuleCatalog.All)
        {
            var d = Assert.Single(descriptors, x => x.Id == rule.Id);
            Assert.Equal(rule.Title, d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(AnalyzerDescriptors.ToDiagnosticSeverity(rule.DefaultSeverity), d.DefaultSeverity);
            Assert.Equal(rule.HelpUri, d.HelpLinkUri);
            Assert.Equal(AnalyzerDescriptors.Category, d.Category);
            Assert.True(d.IsEnabledByDefault);
        }

        Assert.Contains(descriptors, x => x.Id == AnalyzerDescriptors.ProfileUnreadableId);
    }

    // A C# project with dovecot.conf and mailstorage.yaml as AdditionalFiles, marked the way the package's
    // CompilerVisibleItemMetadata marks them in the generated global config. With `only`, every other rule is
    // disabled, so a test about one rule does not depend on the rest of the catalog.
    private static CSharpAnalyzerTest<DovecotConfigAnalyzer, DefaultVerifier> CreateTest(ConfigFolder folder, string? only = null, string globalOptions = "")
    {
        var test = new CSharpAnalyzerTest<DovecotConfigAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            TestCode = "public class C { }",
        };
        if (only != null)
        {
            test.DisabledDiagnostics.AddRange(AnalyzerDescriptors.All.Select(d => d.Id).Where(id => id != only));
        }

        test.TestState.AdditionalFiles.Add((folder.ConfigPath, File.ReadAllText(folder.ConfigPath)));
        test.TestState.AdditionalFiles.Add((folder.ProfilePath, File.ReadAllText(folder.ProfilePath)));
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig",
            "is_global = true\n" + globalOptions + "\n" +
            "[" + folder.ConfigPath + "]\n" + DovecotConfigAnalyzer.KindMetadata + " = " + DovecotConfigAnalyzer.DovecotConfigKind + "\n\n" +
            "[" + folder.ProfilePath + "]\n" + DovecotConfigAnalyzer.KindMetadata + " = " + DovecotConfigAnalyzer.ProfileKind + "\n"));
        return test;
    }
}
