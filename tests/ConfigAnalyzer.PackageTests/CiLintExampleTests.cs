using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using MailStorage.ConfigAnalyzer.Analyzer;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.ConfigAnalyzer.PackageTests;

/// <summary>
/// The NuGet package as a consumer uses it: a copy of examples/ci-lint restored from the freshly packed package
/// (into an empty package cache, so no stale copy is used) and built with `dotnet build`. One restore, three builds.
/// </summary>
public sealed class CiLintExampleTests : IClassFixture<CiLintExampleTests.PackedAnalyzer>, IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private readonly ITestOutputHelper output;
    private readonly PackedAnalyzer packed;
    private readonly string temp = Path.Combine(Path.GetTempPath(), "ms-cilint-" + Guid.NewGuid().ToString("N"));

    public CiLintExampleTests(ITestOutputHelper output, PackedAnalyzer packed)
    {
        this.output = output;
        this.packed = packed;
        Directory.CreateDirectory(temp);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(temp, recursive: true);
        }
        catch (IOException)
        {
            // A build server still holding a file; the folder is in /tmp.
        }
    }

    [Fact]
    public void Package_holds_the_analyzer_and_its_dependency_only()
    {
        string package = packed.Get(this);
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        foreach (var language in new[] { "cs", "vb" })
        {
            Assert.Contains("analyzers/dotnet/" + language + "/MailStorage.ConfigAnalyzer.dll", entries);
            Assert.Contains("analyzers/dotnet/" + language + "/YamlDotNet.dll", entries);
        }

        foreach (var folder in new[] { "build", "buildTransitive" })
        {
            Assert.Contains(folder + "/MailStorage.ConfigAnalyzer.props", entries);
            Assert.Contains(folder + "/MailStorage.ConfigAnalyzer.targets", entries);
        }

        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string text = nuspec.ReadToEnd();
        Assert.DoesNotContain("<dependency ", text, StringComparison.Ordinal);
        Assert.Contains("<developmentDependency>true</developmentDependency>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_builds_clean_then_fails_on_an_unsafe_include_then_passes_with_a_severity_override()
    {
        string feed = Path.GetDirectoryName(packed.Get(this))!;
        string project = Path.Combine(temp, "ci-lint");
        CopyExample(Path.Combine(Repository.Root, "examples", "ci-lint"), project);
        File.WriteAllText(Path.Combine(project, "nuget.config"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n" +
            "    <add key=\"mailstorage-local\" value=\"" + feed + "\" />\n  </packageSources>\n</configuration>\n");

        // 1. The example as shipped: safe for its profile.
        var (code, log) = Build(project, restore: true);
        Assert.True(code == 0, "the example does not build clean:\n" + log);
        Assert.DoesNotContain(" MSD", log, StringComparison.Ordinal);
        Assert.DoesNotContain(" MSP", log, StringComparison.Ordinal);

        // 2. An included file turns unsafe; the incremental build must notice (CustomAdditionalCompileInputs) and fail
        //    at that file and line. The SARIF log is written on the way.
        string mail = Path.Combine(project, "conf.d", "10-mail.conf");
        var lines = File.ReadAllLines(mail).ToList();
        int index = lines.FindIndex(l => l.Trim() == "mmap_disable = yes");
        Assert.True(index >= 0, "conf.d/10-mail.conf of the example has no 'mmap_disable = yes' line");
        lines[index] = "mmap_disable = no";
        File.WriteAllLines(mail, lines);
        (code, log) = Build(project, restore: false, "-p:ErrorLog=lint.sarif%2Cversion=2.1");
        Assert.True(code != 0, "the build passed with mmap_disable = no:\n" + log);
        Assert.Contains(mail + "(" + (index + 1) + ",1): error MSD010: ", log, StringComparison.Ordinal);
        string sarif = Path.Combine(project, "lint.sarif");
        Assert.True(File.Exists(sarif), "no lint.sarif written:\n" + log);
        string sarifText = File.ReadAllText(sarif);
        Assert.Contains("\"version\": \"2.1.0\"", sarifText, StringComparison.Ordinal);
        Assert.Contains("\"ruleId\": \"MSD010\"", sarifText, StringComparison.Ordinal);
        Assert.Contains("10-mail.conf", sarifText, StringComparison.Ordinal);

        // 3. .globalconfig turns the rule down to a warning: the build passes and still says so.
        File.AppendAllText(Path.Combine(project, ".globalconfig"), "\ndotnet_diagnostic.MSD010.severity = warning\n");
        (code, log) = Build(project, restore: false);
        Assert.True(code == 0, "the build failed with MSD010 set to warning:\n" + log);
        Assert.Contains(mail + "(" + (index + 1) + ",1): warning MSD010: ", log, StringComparison.Ordinal);
    }

    /// <summary>
    /// The package in artifacts/packages when it is newer than the analyzer these tests were built with; otherwise
    /// (not packed yet, or stale) one packed once for the class into a folder of its own.
    /// </summary>
    public sealed class PackedAnalyzer : IDisposable
    {
        private readonly string feed = Path.Combine(Path.GetTempPath(), "ms-cilint-feed-" + Guid.NewGuid().ToString("N"));
        private string? path;

        public string Get(CiLintExampleTests test)
        {
            lock (feed)
            {
                return path ??= Find(test);
            }
        }

        public void Dispose()
        {
            if (Directory.Exists(feed))
            {
                Directory.Delete(feed, recursive: true);
            }
        }

        private string Find(CiLintExampleTests test)
        {
            string name = "MailStorage.ConfigAnalyzer." + Repository.Version + ".nupkg";
            string built = Path.Combine(Repository.Root, "artifacts", "packages", name);
            var analyzer = File.GetLastWriteTimeUtc(typeof(DovecotConfigAnalyzer).Assembly.Location);
            if (File.Exists(built) && File.GetLastWriteTimeUtc(built) >= analyzer)
            {
                return built;
            }

            test.output.WriteLine(File.Exists(built) ? built + " is older than the analyzer; packing again" : built + " is missing; packing");
            var (code, log) = test.Dotnet(Repository.Root, isolatedPackages: false, "pack", Repository.AnalyzerProject, "-c", "Release", "--nologo", "-o", feed);
            Assert.True(code == 0, "dotnet pack failed:\n" + log);
            return Path.Combine(feed, name);
        }
    }

    private (int ExitCode, string Log) Build(string project, bool restore, params string[] extra)
    {
        var args = new List<string> { "build", "--nologo", "--disable-build-servers", "-p:MailStorageAnalyzerVersion=" + Repository.Version };
        if (!restore)
        {
            args.Add("--no-restore");
        }

        args.AddRange(extra);
        return Dotnet(project, isolatedPackages: true, args.ToArray());
    }

    // dotnet without the MSBuild variables of the test host; a consumer's build gets an empty package cache of its
    // own, so the package is extracted from the feed and never taken from an older cached copy.
    private (int ExitCode, string Log) Dotnet(string directory, bool isolatedPackages, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        if (isolatedPackages)
        {
            start.Environment["NUGET_PACKAGES"] = Path.Combine(temp, "packages");
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var log = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (log) { log.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (log) { log.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit((int)BuildTimeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(" ", args) + " took longer than " + BuildTimeout + ":\n" + log);
        }

        process.WaitForExit();
        string text;
        lock (log)
        {
            text = log.ToString();
        }

        output.WriteLine("dotnet " + string.Join(" ", args) + " (in " + directory + "): exit " + process.ExitCode + " after " + watch.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " s");
        return (process.ExitCode, text);
    }

    private static void CopyExample(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first == "bin" || first == "obj" || relative == "lint.sarif")
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
