using System;
using System.IO;
using System.Text.RegularExpressions;

namespace MailStorage.ConfigAnalyzer.PackageTests;

/// <summary>Paths in the repository these tests run from.</summary>
internal static class Repository
{
    public static string Root
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

    public static string AnalyzerProject => Path.Combine(Root, "src", "ConfigAnalyzer");

    /// <summary>The version in Directory.Build.props, the one place it lives.</summary>
    public static string Version
    {
        get
        {
            var match = Regex.Match(File.ReadAllText(Path.Combine(Root, "Directory.Build.props")), "<Version>([^<]+)</Version>");
            return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("no <Version> in Directory.Build.props");
        }
    }
}
