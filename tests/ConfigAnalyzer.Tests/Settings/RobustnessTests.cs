using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Tests.Oracle;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Settings;

/// <summary>Whatever bytes a config holds, reading it ends with settings or a located error, never an exception or a hang.</summary>
public sealed class RobustnessTests : IDisposable
{
    private static readonly byte[] Hostile = "{}\"'\\#=$<\n \0!"u8.ToArray().Append((byte)0xff).ToArray();

    private readonly string dir = Path.Combine(Path.GetTempPath(), "msrobust-" + Guid.NewGuid().ToString("N"));

    public RobustnessTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Mutated_corpus_configs_never_throw()
    {
        var random = new Random(20261130);
        var sources = Directory.GetFiles(Path.Combine(Corpus.Root, "valid"), "dovecot.conf", SearchOption.AllDirectories)
            .Select(File.ReadAllBytes).Where(b => b.Length > 0 && b.Length < 100_000).ToArray();
        string path = Path.Combine(dir, "dovecot.conf");
        for (int i = 0; i < 3000; i++)
        {
            var bytes = (byte[])sources[random.Next(sources.Length)].Clone();
            for (int m = random.Next(1, 8); m > 0; m--)
            {
                bytes[random.Next(bytes.Length)] = Hostile[random.Next(Hostile.Length)];
            }

            File.WriteAllBytes(path, bytes);
            var config = ConfigReader.Read(path);
            if (config.FatalError != null)
            {
                // A located error: the one file there is, a line inside it, and doveconf's wording of that place.
                Assert.True(config.FatalError.Location.HasValue, "no location: " + config.FatalError.DoveconfText);
                var at = config.FatalError.Location!.Value;
                Assert.Equal(path, at.File);
                Assert.InRange(at.Line, 1, bytes.Count(b => b == (byte)'\n') + 1);
                // doveconf names the line, or for a section left open at the end, where that section started.
                string text = config.FatalError.DoveconfText, prefix = "Error in configuration file " + path;
                Assert.True(
                    text.StartsWith(prefix + " line " + at.Line + ": ", StringComparison.Ordinal) ||
                    (text.StartsWith(prefix + ": ", StringComparison.Ordinal) && text.Contains(path + ":" + at.Line + ")", StringComparison.Ordinal)),
                    text + " does not name " + at);
            }
        }
    }

    [Fact]
    public void Deep_sections_and_long_lines_stay_fast()
    {
        string path = Path.Combine(dir, "deep.conf");
        var text = string.Concat(Enumerable.Repeat("local 10.0.0.0/8 {\n", 5000)) + "mmap_disable = yes\n" +
                   string.Concat(Enumerable.Repeat("}\n", 5000)) + "hostname = " + new string('a', 4_000_000) + "\n";
        File.WriteAllText(path, text);
        var watch = Stopwatch.StartNew();
        var config = ConfigReader.Read(path);
        Assert.Null(config.FatalError);
        Assert.Equal(2, config.Blocks.Count);
        Assert.Equal("yes", config.GetValue("mmap_disable", ConfigFilter.Parse(new[] { "local=10.1.2.3" })));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "took " + watch.Elapsed);
    }

    [Fact]
    public void Files_are_listed_in_reading_order()
    {
        Directory.CreateDirectory(Path.Combine(dir, "conf.d"));
        File.WriteAllText(Path.Combine(dir, "conf.d", "20-b.conf"), "hostname = b\n");
        File.WriteAllText(Path.Combine(dir, "conf.d", "10-a.conf"), "hostname = a\n");
        File.WriteAllText(Path.Combine(dir, "dovecot.conf"), "!include conf.d/*.conf\n");
        var config = ConfigReader.Read(Path.Combine(dir, "dovecot.conf"));
        Assert.Equal(new[] { "dovecot.conf", "10-a.conf", "20-b.conf" }, config.Files.Select(Path.GetFileName).ToArray());
        Assert.Equal("b", config.GetValue("hostname"));
    }

    [Fact]
    public void Missing_file_is_an_open_error()
    {
        var config = ConfigReader.Read(Path.Combine(dir, "nope.conf"));
        Assert.Equal("open(" + Path.Combine(dir, "nope.conf") + ") failed: No such file or directory", config.FatalError!.DoveconfText);
    }

    [Fact]
    public void A_device_given_as_the_config_is_a_clear_read_error_not_all_the_memory()
    {
        // doveconf itself runs out of memory on /dev/zero; before this the reader died with "Array dimensions exceeded".
        var config = ConfigReader.Read("/dev/zero");
        Assert.Equal("read(/dev/zero) failed: larger than 256 MB: not a configuration file (a device, or a file still growing?)", config.FatalError!.DoveconfText);
    }

    [Fact]
    public void A_device_included_is_a_clear_read_error_naming_it()
    {
        string main = Path.Combine(dir, "dovecot.conf");
        File.WriteAllText(main, "mail_location = maildir:~/Maildir\n!include /dev/zero\n");
        var config = ConfigReader.Read(main);
        Assert.Equal("read(/dev/zero) failed: larger than 256 MB: not a configuration file (a device, or a file still growing?)", config.FatalError!.DoveconfText);
        Assert.Equal("/dev/zero", config.FatalError.Location!.Value.File);
    }
}
