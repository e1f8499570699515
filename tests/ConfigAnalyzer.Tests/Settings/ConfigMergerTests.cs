using System;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Settings;

/// <summary>Effective settings share the blocks' scopes without changing what a scope's place and siblings are.</summary>
public sealed class ConfigMergerTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "msmerger-" + Guid.NewGuid().ToString("N"));

    public ConfigMergerTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, true);

    // doveconf lists and counts sections among their siblings; in an effective view those are the merged
    // scope's children, from every block, not only those of the block a section came from.
    [Fact]
    public void Sections_of_a_merged_scope_have_it_as_parent()
    {
        string path = Path.Combine(dir, "dovecot.conf");
        File.WriteAllText(path, "namespace inbox {\n  inbox = yes\n  mailbox Sent {\n    auto = subscribe\n  }\n}\nprotocol imap {\n  namespace shared {\n    prefix = shared/\n  }\n  imap_idle_notify_interval = 5 mins\n}\n");
        var config = ConfigReader.Read(path);
        Assert.Null(config.FatalError);

        var effective = config.GetEffective(ConfigFilter.Parse(new[] { "protocol=imap" }));

        // The most specific block's sections first, as doveconf merges.
        Assert.Equal(new[] { "shared", "inbox" }, effective.Children.Select(c => c.Name));
        Assert.All(effective.Children, c => Assert.Same(effective, c.Parent));
        var sent = effective.FindChild("namespace", "inbox")!.Children.Single();
        Assert.Equal("namespace/inbox/mailbox/Sent/", sent.KeyPath);
        Assert.Equal("subscribe", sent.Get("auto")!.Value);
        Assert.Same(config.Global.Root, config.GetEffective(ConfigFilter.Global));
    }
}
