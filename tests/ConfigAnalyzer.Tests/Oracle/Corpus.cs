using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Tests.Oracle;

/// <summary>The configs under tests/ConfigAnalyzer.Tests/Corpus, found from the repository root.</summary>
internal static class Corpus
{
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MailStorage.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("MailStorage.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Root => Path.Combine(RepositoryRoot, "tests", "ConfigAnalyzer.Tests", "Corpus");

    public static IEnumerable<object[]> Cases(string kind) =>
        Directory.GetDirectories(Path.Combine(Root, kind))
            .Select(Path.GetFileName)
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new object[] { n! });

    /// <summary>The config path relative to the repository root, as doveconf is given it.</summary>
    public static string RelativeConfig(string kind, string name) => $"tests/ConfigAnalyzer.Tests/Corpus/{kind}/{name}/dovecot.conf";
}
