using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.ConfigAnalyzer.Syntax;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Storage;

public sealed class StorageProfileWriterTests
{
    private static StorageProfile Parse(string yaml) => StorageProfile.Parse(new StringReader(yaml), "mailstorage.yaml");

    private static void AssertSame(StorageProfile expected, StorageProfile actual)
    {
        Assert.Equal(expected.DovecotVersion, actual.DovecotVersion);
        Assert.Equal(expected.Topology, actual.Topology);
        Assert.Equal(expected.Hosts, actual.Hosts);
        Assert.Equal(expected.Mounts.Count, actual.Mounts.Count);
        for (int i = 0; i < expected.Mounts.Count; i++)
        {
            Assert.Equal(expected.Mounts[i].Path, actual.Mounts[i].Path);
            Assert.Equal(expected.Mounts[i].TypeName, actual.Mounts[i].TypeName);
            Assert.Equal(expected.Mounts[i].Options, actual.Mounts[i].Options);
            Assert.Equal(expected.Mounts[i].Kind, actual.Mounts[i].Kind);
        }

        Assert.Equal(expected.SeverityOverrides.OrderBy(r => r.Key), actual.SeverityOverrides.OrderBy(r => r.Key));
    }

    [Fact]
    public void Writes_the_documented_form()
    {
        var profile = Parse("dovecot: \"2.4\"\ntopology: sticky\nhosts: 4\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [hard, vers=4.2, actimeo=60]\n  - path: /\n    type: ext4\nrules:\n  MSD053: none\n  MSD013: info\n");
        Assert.Equal(
            "dovecot: \"2.4\"\ntopology: sticky\nhosts: 4\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [hard, vers=4.2, actimeo=60]\n  - path: /\n    type: ext4\nrules:\n  MSD013: info\n  MSD053: none\n",
            StorageProfileWriter.ToYaml(profile));
    }

    [Fact]
    public void The_example_profile_survives_a_round_trip()
    {
        string example = Path.Combine(Repository(), "examples", "mailstorage.yaml");
        var profile = StorageProfile.Load(example);
        AssertSame(profile, Parse(StorageProfileWriter.ToYaml(profile)));
    }

    [Fact]
    public void Awkward_values_are_quoted_and_read_back_unchanged()
    {
        var mounts = new List<MountDefinition>
        {
            new("/srv/mail store", "fuse.glusterfs", new[] { "rw", "user_id=0", "a: b", "x,y", "[z]", "#hash", "yes", "no", "null", "~", "-dash", "quote\"back\\slash", "tab\there", "addr=fe80::1", "" }, default),
            new("/mnt/é", "nfs", new[] { "vers=3", "nolock" }, default),
        };
        var profile = new StorageProfile("2.3", Topology.Random, null, mounts, new Dictionary<string, string> { ["MSD010"] = "warning" }, "x");
        string yaml = StorageProfileWriter.ToYaml(profile, new[] { "detected on host", "", "second line" });
        Assert.StartsWith("# detected on host\n#\n# second line\ndovecot: \"2.3\"\n", yaml, System.StringComparison.Ordinal);
        Assert.DoesNotContain("hosts:", yaml, System.StringComparison.Ordinal);
        AssertSame(profile, Parse(yaml));
    }

    [Fact]
    public void A_profile_without_mounts_is_written_too()
    {
        var profile = new StorageProfile("2.3", Topology.Single, 1, new List<MountDefinition>(), new Dictionary<string, string>(), "x");
        AssertSame(profile, Parse(StorageProfileWriter.ToYaml(profile)));
    }

    private static string Repository()
    {
        var dir = new DirectoryInfo(System.AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MailStorage.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }
}
