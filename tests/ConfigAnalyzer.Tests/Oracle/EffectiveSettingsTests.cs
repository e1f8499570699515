using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Oracle;

/// <summary>
/// What a connection gets: for every filter in every corpus config, the value of each root setting the
/// config assigns anywhere must be what <c>doveconf -f ... name</c> answers.
/// </summary>
public sealed class EffectiveSettingsTests
{
    public static IEnumerable<object[]> ConfigsWithFilters =>
        Corpus.Cases("valid").Where(c => File.ReadAllText(ConfigPath((string)c[0])).Contains(" {", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(ConfigsWithFilters))]
    public void Effective_values_agree_with_doveconf_per_filter(string name)
    {
        string relative = Corpus.RelativeConfig("valid", name);
        var env = Doveconf.EnvironmentFor(ConfigPath(name));
        var config = ConfigReader.Read(Path.Combine(Corpus.RepositoryRoot, relative), new ConfigReadOptions { Environment = env });
        Assert.Null(config.FatalError);

        var names = config.Blocks.SelectMany(b => b.Root.Values)
            .Where(v => v.Definition != null && config.Schema.Root.Settings.ContainsKey(v.Name))
            .Select(v => v.Name)
            .Concat(new[] { "mmap_disable", "lock_method", "mail_fsync" })
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

        foreach (var block in config.Blocks)
        {
            var args = new List<string> { "-c", relative, "-P" };
            foreach (var part in QueryParts(block.Filter))
            {
                // doveconf's -f spells local_name as lname.
                args.Add("-f");
                args.Add(part.StartsWith("local_name=", StringComparison.Ordinal) ? string.Concat("lname=", part.AsSpan(11)) : part);
            }

            args.AddRange(names);
            var expected = Doveconf.Run(Corpus.RepositoryRoot, env, args.ToArray());
            Assert.True(expected.ExitCode == 0, "doveconf " + string.Join(" ", args) + " failed: " + expected.Stderr);
            var doveconfValues = expected.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(" = ", 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => Unquote(p[1]), StringComparer.Ordinal);

            var query = Query(block.Filter);
            foreach (var setting in names)
            {
                Assert.True(doveconfValues.ContainsKey(setting), $"doveconf did not print {setting}");
                Assert.True(doveconfValues[setting] == config.GetValue(setting, query),
                    $"{name}: {setting} for filter '{block.Filter}': doveconf says '{doveconfValues[setting]}', we say '{config.GetValue(setting, query)}'");
            }
        }
    }

    private static string ConfigPath(string name) => Path.Combine(Corpus.RepositoryRoot, Corpus.RelativeConfig("valid", name));

    // A block's own filter, as a connection that falls inside it: a network's first address, a plain name.
    private static ConfigFilter Query(ConfigFilter filter) => ConfigFilter.Parse(QueryParts(filter));

    private static IEnumerable<string> QueryParts(ConfigFilter filter)
    {
        if (filter.Protocol != null && !filter.Protocol.StartsWith('!'))
        {
            yield return "protocol=" + filter.Protocol;
        }

        if (filter.Local != null)
        {
            yield return "local=" + filter.Local.Address;
        }

        if (filter.Remote != null)
        {
            yield return "remote=" + filter.Remote.Address;
        }

        if (filter.LocalName != null)
        {
            yield return "local_name=" + filter.LocalName.Split(' ')[0].Replace("*", "x", StringComparison.Ordinal);
        }
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[value.Length - 1] == '"'
            ? MailStorage.ConfigAnalyzer.Syntax.ConfigLineParser.Unescape(value.Substring(1, value.Length - 2))
            : value;
}
