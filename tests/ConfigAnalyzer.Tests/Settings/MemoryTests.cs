using System;
using System.IO;
using System.Linq;
using MailStorage.Bench;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.ConfigAnalyzer.Tests.Oracle;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Settings;

/// <summary>
/// Tests that measure the process's GC heap. They run alone, after the parallel tests: another test allocating
/// beside them would be counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasured
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Memory-measured reads";
}

/// <summary>
/// A big configuration costs memory in proportion to its size: the tree bench/config-memory.sh generates (50 MB
/// there), here at 1 MB with a filter every 25 tenants, read and linted in-process.
/// </summary>
[Collection(MemoryMeasured.Name)]
public sealed class MemoryTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "msmemory-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Generated_tree_reads_as_doveconf_does()
    {
        string main = BigConfig.Write(dir, 256 * 1024, filterEvery: 25);
        var doveconf = Doveconf.Run(dir, null, "-c", main, "-n");
        Assert.True(doveconf.ExitCode == 0, doveconf.Stderr);
        var config = ConfigReader.Read(main);
        Assert.Null(config.FatalError);
        Assert.True(config.Blocks.Count > 10, config.Blocks.Count + " blocks");
        Assert.Equal(Doveconf.StripHeader(doveconf.Stdout), DoveconfWriter.Render(config).Trim('\n'));
    }

    // Every assignment rebuilt its section's key prefix (twice) and the lookup strings of its section path, and
    // every include was read into memory when its !include line was met: reading the 1 MB tree allocated 36 times
    // its size (23 now).
    [Fact]
    public void Reading_allocates_in_proportion_to_the_file()
    {
        string main = BigConfig.Write(dir, 1024 * 1024);
        long size = Directory.EnumerateFiles(dir, "*.conf", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        ConfigReader.Read(main);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var config = ConfigReader.Read(main);
        double allocated = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / size;

        Assert.Null(config.FatalError);
        Assert.True(allocated < 30, FormattableString.Invariant($"reading allocated {allocated:F1}x the {size} bytes of the tree"));
    }

    // The linter holds one scope per filter block, each with the settings in effect there; each was a copy of
    // the global tree, so the 90 blocks of a 1 MB tree held 200 times its size.
    [Fact]
    public void Effective_settings_of_every_block_stay_proportional_to_the_file()
    {
        string main = BigConfig.Write(dir, 1024 * 1024, filterEvery: 25);
        long size = Directory.EnumerateFiles(dir, "*.conf", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var config = ConfigReader.Read(main);
        Assert.Null(config.FatalError);
        Assert.True(config.Blocks.Count > 50, config.Blocks.Count + " blocks");
        long afterRead = GC.GetTotalMemory(forceFullCollection: true);
        var scopes = config.Blocks.Select(b => new LintScope(config, null, b)).ToList();
        long afterScopes = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(scopes);
        GC.KeepAlive(config);

        double read = (double)(afterRead - before) / size, views = (double)(afterScopes - afterRead) / size;
        Assert.True(read < 10, FormattableString.Invariant($"reading held {read:F1}x the {size} bytes of the tree"));
        Assert.True(views < 10, FormattableString.Invariant($"the effective settings of {scopes.Count} blocks held {views:F1}x the {size} bytes of the tree"));
    }

    // Every filter's scope parsed and resolved every namespace's location again, though the namespaces were the
    // same assignments in each: linting the 1 MB tree allocated 340 times its size (33 now). The linter runs on one
    // thread, so this thread's allocations are the linter's.
    [Fact]
    public void Linting_allocates_in_proportion_to_the_file()
    {
        string main = BigConfig.Write(dir, 1024 * 1024, filterEvery: 25);
        long size = Directory.EnumerateFiles(dir, "*.conf", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var config = ConfigReader.Read(main);
        Assert.Null(config.FatalError);
        var profile = StorageProfile.Parse(new StringReader("dovecot: \"2.3\"\ntopology: single\nmounts:\n  - path: /\n    type: ext4\n"), "(test)");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = ConfigLinter.Lint(config, profile);
        double allocated = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / size;

        Assert.NotEmpty(result.Rules);
        Assert.True(allocated < 100, FormattableString.Invariant($"linting {config.Blocks.Count} blocks allocated {allocated:F1}x the {size} bytes of the tree"));
    }

    // Rendering keyed every entry's section by its index among its siblings, found by listing them, though a
    // named section's key is its name: 5,000 namespaces allocated 3,800 times the file (1.5 GB).
    [Fact]
    public void Rendering_many_named_sections_allocates_in_proportion_to_the_file()
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "dovecot.conf");
        File.WriteAllText(path, "mail_location = maildir:~/Maildir\n" + string.Concat(Enumerable.Range(0, 5000).Select(i =>
            FormattableString.Invariant($"namespace n{i} {{\n  prefix = n{i}/\n  separator = /\n  location = maildir:/srv/n{i}\n}}\n"))));
        long size = new FileInfo(path).Length;
        var config = ConfigReader.Read(path);
        Assert.Null(config.FatalError);

        long before = GC.GetAllocatedBytesForCurrentThread();
        string text = DoveconfWriter.Render(config);
        double allocated = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / size;

        Assert.Contains("namespace n4999 {\n  location = maildir:/srv/n4999\n  prefix = n4999/\n  separator = /\n}\n", text, StringComparison.Ordinal);
        Assert.True(allocated < 200, FormattableString.Invariant($"rendering allocated {allocated:F1}x the {size} bytes of the file"));
    }
}
