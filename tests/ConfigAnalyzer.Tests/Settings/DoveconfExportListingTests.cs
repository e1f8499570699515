using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Tests.Oracle;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Settings;

/// <summary>
/// DoveconfExport.All (doveconf -a) and DoveconfExport.Effective (doveconf -f, with -n), held to the real doveconf
/// on a config with a global section, a protocol filter and a local filter.
/// </summary>
public sealed class DoveconfExportListingTests : IDisposable
{
    private const string Text = """
        mail_location = maildir:/srv/mail/%u
        mail_fsync = always
        namespace inbox {
          inbox = yes
          separator = /
        }
        protocol imap {
          mail_max_userip_connections = 20
          mail_fsync = never
        }
        local 10.0.0.0/8 {
          mail_location = maildir:/srv/local/%u
        }

        """;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "doveconf-export-" + Guid.NewGuid().ToString("N"));
    private readonly DovecotConfig config;

    public DoveconfExportListingTests()
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "dovecot.conf"), Text);
        config = ConfigReader.Read(Path.Combine(directory, "dovecot.conf"));
        Assert.Null(config.FatalError);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void All_lists_every_global_setting_as_doveconf_a_does_then_sections_then_filters()
    {
        var all = DoveconfExport.All(config);
        var root = all.TakeWhile(e => e.Scope == config.Global.Root).ToList();

        // doveconf -a's top-level lines, name and value, in its order.
        var expected = RunDoveconf("-a").Where(l => !l.StartsWith(' ') && !l.StartsWith('#') && l.Contains(" = ", StringComparison.Ordinal))
            .Select(l => l.Split(" = ", 2)).Select(p => (p[0], p[1])).ToList();
        Assert.True(expected.Count > 200, "doveconf -a printed only " + expected.Count + " top-level settings");
        // Every global doveconf -a prints, in name order (it also lists a few whose default is unset, e.g.
        // imap_urlauth_stream_user, which doveconf -a leaves out).
        Assert.Equal(root.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal), root.Select(e => e.Name));
        Assert.Subset(root.Select(e => e.Name).ToHashSet(StringComparer.Ordinal), expected.Select(p => p.Item1).ToHashSet(StringComparer.Ordinal));
        var values = expected.ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
        foreach (var name in new[] { "mail_location", "mail_fsync", "mail_max_userip_connections", "lock_method", "mmap_disable" })
        {
            Assert.Equal(values[name], root.Single(e => e.Name == name).Value);
        }

        Assert.False(root.Single(e => e.Name == "mail_fsync").IsDefault);
        Assert.Null(root.Single(e => e.Name == "lock_method").Assigned);

        // After the globals: the namespace's assignments (not its name, which is in the section header), then each filter's.
        var rest = all.Skip(root.Count).Select(e => (Block: e.Block?.Filter.ToString(), Scope: DoveconfExport.DescribeScope(e.Scope), e.Name, e.Value)).ToList();
        var imap = config.Blocks.Single(b => b.Filter.Protocol == "imap").Filter.ToString();
        var local = config.Blocks.Single(b => b.Filter.Local != null).Filter.ToString();
        Assert.Equal(
            new (string?, string, string, string)[]
            {
                (config.Global.Filter.ToString(), "namespace inbox", "inbox", "yes"),
                (config.Global.Filter.ToString(), "namespace inbox", "separator", "/"),
                (imap, string.Empty, "mail_max_userip_connections", "20"),
                (imap, string.Empty, "mail_fsync", "never"),
                (local, string.Empty, "mail_location", "maildir:/srv/local/%u"),
            },
            rest);
    }

    [Fact]
    public void Effective_gives_doveconf_f_values_each_labelled_with_the_block_that_assigned_it()
    {
        var query = ConfigFilter.Parse(new[] { "protocol=imap", "local=10.0.0.1" });
        var effective = DoveconfExport.Effective(config, query, changedOnly: false);
        var root = effective.Where(e => e.Scope.Parent == null).ToList();
        Assert.True(root.Count > 200);

        var answer = RunDoveconf(new[] { "-f", "protocol=imap", "-f", "local=10.0.0.1" }.Concat(root.Select(e => e.Name)).ToArray())
            .Select(l => l.Split(" = ", 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        foreach (var name in new[] { "mail_location", "mail_fsync", "mail_max_userip_connections", "mail_debug" })
        {
            Assert.Equal(answer[name], root.Single(e => e.Name == name).Value);
        }

        var imap = config.Blocks.Single(b => b.Filter.Protocol == "imap");
        var local = config.Blocks.Single(b => b.Filter.Local != null);
        Assert.Same(imap, root.Single(e => e.Name == "mail_fsync").Block);
        Assert.Same(imap, root.Single(e => e.Name == "mail_max_userip_connections").Block);
        Assert.Same(local, root.Single(e => e.Name == "mail_location").Block);
        Assert.Null(root.Single(e => e.Name == "mail_debug").Block);
        Assert.Contains(effective, e => e.Scope.Parent != null && e.Name == "separator" && e.Block == config.Global);

        // -NonDefault: what doveconf -n -f prints at the top level, and the namespace's assignments.
        var changed = DoveconfExport.Effective(config, query, changedOnly: true);
        Assert.Equal(new[] { "mail_fsync", "mail_location", "mail_max_userip_connections" }, changed.Where(e => e.Scope.Parent == null).Select(e => e.Name));
        Assert.Equal(new[] { "inbox", "separator" }, changed.Where(e => e.Scope.Parent != null).Select(e => e.Name));
        Assert.All(changed, e => Assert.False(e.IsDefault));
    }

    [Fact]
    public void Listings_refuse_null()
    {
        Assert.Throws<ArgumentNullException>(() => DoveconfExport.All(null!));
        Assert.Throws<ArgumentNullException>(() => DoveconfExport.Effective(null!, ConfigFilter.Parse(new[] { "protocol=imap" }), false));
        Assert.Throws<ArgumentNullException>(() => DoveconfExport.Effective(config, null!, false));
    }

    private List<string> RunDoveconf(params string[] args)
    {
        var result = Oracle.Doveconf.Run(directory, null, new[] { "-c", "dovecot.conf", "-P" }.Concat(args).ToArray());
        Assert.True(result.ExitCode == 0, "doveconf " + string.Join(" ", args) + " failed: " + result.Stderr);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
