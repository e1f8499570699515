using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MailStorage.ConfigAnalyzer.Settings;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Oracle;

/// <summary>Our reading of each config must agree with the real doveconf -n, setting for setting.</summary>
public sealed class DoveconfAgreementTests
{
    public static IEnumerable<object[]> ValidConfigs => Corpus.Cases("valid");

    public static IEnumerable<object[]> MalformedConfigs => Corpus.Cases("malformed");

    [Theory]
    [MemberData(nameof(ValidConfigs))]
    public void Valid_config_prints_what_doveconf_prints(string name)
    {
        string relative = Corpus.RelativeConfig("valid", name);
        var env = Doveconf.EnvironmentFor(Path.Combine(Corpus.RepositoryRoot, relative));
        var expected = Doveconf.Run(Corpus.RepositoryRoot, env, "-c", relative, "-n");
        Assert.True(expected.ExitCode == 0, "doveconf rejected a valid corpus config: " + expected.Stderr);

        var config = InRepositoryRoot(() => ConfigReader.Read(relative, new ConfigReadOptions { Environment = env }));
        Assert.Null(config.FatalError);
        Assert.DoesNotContain(config.Diagnostics, d => d.Severity == ConfigDiagnosticSeverity.CheckFailed);
        string ours = DoveconfWriter.Render(config);

        Assert.Equal(Doveconf.Structure(expected.Stdout), Doveconf.Structure(ours));
        // Same order and layout too, line for line.
        Assert.Equal(Doveconf.StripHeader(expected.Stdout), ours.TrimEnd('\n'));
        Assert.Equal(Warnings(expected.Stderr), config.Diagnostics.Where(d => d.Severity <= ConfigDiagnosticSeverity.Error).Select(d => d.DoveconfText).ToList());
    }

    [Theory]
    [MemberData(nameof(ValidConfigs))]
    public void Expanded_config_prints_what_doveconf_x_prints(string name)
    {
        // doveconf -x expands $setting, $ENV:NAME and <file values the way Dovecot does at run time.
        string relative = Corpus.RelativeConfig("valid", name);
        var env = Doveconf.EnvironmentFor(Path.Combine(Corpus.RepositoryRoot, relative));
        var expected = Doveconf.Run(Corpus.RepositoryRoot, env, "-x", "-c", relative, "-n");
        var config = InRepositoryRoot(() => ConfigReader.Read(relative, new ConfigReadOptions { Environment = env, ExpandValues = true }));
        if (expected.ExitCode != 0)
        {
            Assert.Equal(Printable(FirstError(expected.Stderr)), Printable(config.FatalError?.DoveconfText ?? "(no error)"));
            return;
        }

        Assert.Null(config.FatalError);
        Assert.Equal(Doveconf.StripHeader(expected.Stdout), DoveconfWriter.Render(config).TrimEnd('\n'));
    }

    public static IEnumerable<object[]> ExpandedMalformedConfigs => Corpus.Cases("expanded-malformed");

    [Theory]
    [MemberData(nameof(ExpandedMalformedConfigs))]
    public void Expanded_malformed_config_fails_where_doveconf_x_fails(string name)
    {
        string relative = Corpus.RelativeConfig("expanded-malformed", name);
        var expected = Doveconf.Run(Corpus.RepositoryRoot, null, "-x", "-c", relative, "-n");
        Assert.NotEqual(0, expected.ExitCode);
        var config = InRepositoryRoot(() => ConfigReader.Read(relative, new ConfigReadOptions { ExpandValues = true }));
        Assert.Equal(FirstError(expected.Stderr), config.FatalError?.DoveconfText);
    }

    [Fact]
    public void Debian_default_tree_prints_what_doveconf_prints()
    {
        const string path = "/etc/dovecot/dovecot.conf";
        var expected = Doveconf.Run("/", null, "-c", path, "-n");
        Assert.Equal(0, expected.ExitCode);
        var config = ConfigReader.Read(path);
        Assert.Null(config.FatalError);
        Assert.True(config.Files.Count > 10, "Debian's tree includes over 10 files; read " + config.Files.Count);
        Assert.Equal(Doveconf.Structure(expected.Stdout), Doveconf.Structure(DoveconfWriter.Render(config)));
        Assert.Equal(Doveconf.StripHeader(expected.Stdout), DoveconfWriter.Render(config).TrimEnd('\n'));
    }

    [Theory]
    [MemberData(nameof(MalformedConfigs))]
    public void Malformed_config_fails_where_doveconf_fails(string name)
    {
        string relative = Corpus.RelativeConfig("malformed", name);
        var expected = Doveconf.Run(Corpus.RepositoryRoot, null, "-c", relative, "-n");
        Assert.NotEqual(0, expected.ExitCode);
        string doveconfError = FirstError(expected.Stderr);

        var config = InRepositoryRoot(() => ConfigReader.Read(relative));
        var ours = config.FatalError ?? config.Diagnostics.FirstOrDefault(d => d.Severity == ConfigDiagnosticSeverity.CheckFailed);
        Assert.True(ours != null, "doveconf said: " + doveconfError + "; we found nothing wrong");
        Assert.Equal(Printable(doveconfError), Printable(ours!.DoveconfText));
    }

    private static T InRepositoryRoot<T>(Func<T> action)
    {
        // doveconf spells paths as given, relative to its working directory; so do we.
        lock (typeof(DoveconfAgreementTests))
        {
            string before = Environment.CurrentDirectory;
            Environment.CurrentDirectory = Corpus.RepositoryRoot;
            try
            {
                return action();
            }
            finally
            {
                Environment.CurrentDirectory = before;
            }
        }
    }

    private static List<string> Warnings(string stderr) =>
        stderr.Split('\n')
            .Select(l => Regex.Match(l, "^doveconf: (Warning|Error): (.*)$"))
            .Where(m => m.Success)
            .Select(m => m.Groups[2].Value)
            .ToList();

    // doveconf logs a failed check twice, as "Error: <check>" and then "Fatal: Error in configuration file ...";
    // the Fatal line is the one that names the file.
    private static string FirstError(string stderr)
    {
        var m = Regex.Match(stderr, "^doveconf: Fatal: (.*)$", RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : stderr;
    }

    // Binary garbage reaches the message: compare what is printable, as a terminal would show it.
    private static string Printable(string text) => Regex.Replace(text, @"[^\x20-\x7e]+", "?");
}
