using System;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Syntax;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Syntax;

public sealed class IncludeGlobTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "msglob-" + Guid.NewGuid().ToString("N"));

    public IncludeGlobTests()
    {
        Directory.CreateDirectory(Path.Combine(dir, "conf.d"));
        foreach (var name in new[] { "20-b.conf", "10-a.conf", "B-upper.conf", ".hidden.conf", "05-c.conf", "notes.txt" })
        {
            File.WriteAllText(Path.Combine(dir, "conf.d", name), string.Empty);
        }
    }

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Matches_are_sorted_bytewise_and_skip_dot_files()
    {
        var names = IncludeGlob.Expand(dir + "/conf.d/*.conf").Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "05-c.conf", "10-a.conf", "20-b.conf", "B-upper.conf" }, names);
    }

    [Fact]
    public void Brace_alternatives_keep_their_written_order()
    {
        var names = IncludeGlob.Expand(dir + "/conf.d/{20-b,05-c}.conf").Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "20-b.conf", "05-c.conf" }, names);
    }

    [Fact]
    public void Character_classes_and_question_marks()
    {
        var names = IncludeGlob.Expand(dir + "/conf.d/[0-1]?-*.conf").Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "05-c.conf", "10-a.conf" }, names);
    }

    [Fact]
    public void No_match_is_empty_and_a_plain_missing_file_too()
    {
        Assert.Empty(IncludeGlob.Expand(dir + "/conf.d/*.nothing"));
        Assert.Empty(IncludeGlob.Expand(dir + "/conf.d/missing.conf"));
        Assert.Single(IncludeGlob.Expand(dir + "/conf.d/10-a.conf"));
    }
}
