using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Storage;

public sealed class StorageProfileTests
{
    private static StorageProfile Parse(string yaml) => StorageProfile.Parse(new StringReader(yaml), "mailstorage.yaml");

    [Fact]
    public void Reads_the_documented_form()
    {
        var profile = Parse("dovecot: \"2.3\"\ntopology: sticky\nhosts: 4\nmounts:\n  - path: /srv/mail/\n    type: nfs4\n    options: [hard, vers=4.2, actimeo=60]\n  - path: /srv/mail/index\n    type: ext4\n");
        Assert.Equal(Topology.Sticky, profile.Topology);
        Assert.Equal(4, profile.Hosts);
        Assert.True(profile.IsMultiHost);
        Assert.Equal("/srv/mail", profile.Mounts[0].Path);
        Assert.Equal(FileSystemKind.Nfs4, profile.Mounts[0].Kind);
        Assert.Equal("60", profile.Mounts[0].Option("actimeo"));
        Assert.Equal(5, profile.Mounts[0].Location.Line);
        Assert.Equal("/srv/mail/index", profile.FindMount("/srv/mail/index/a/b")!.Path);
        Assert.Equal("/srv/mail", profile.FindMount("/srv/mail/indexes")!.Path);
        Assert.Null(profile.FindMount("/var/mail"));
    }

    [Theory]
    [InlineData("topology: roundrobin\n", 1, 11, "topology must be single, sticky or random")]
    [InlineData("dovecot: 2.2\n", 1, 10, "dovecot must be \"2.3\" or \"2.4\"")]
    [InlineData("mounts:\n  - path: /srv\n    type: nfs5\n", 3, 11, "unknown filesystem type 'nfs5'")]
    [InlineData("mounts:\n  - path: srv\n    type: nfs\n", 2, 11, "mount path must be absolute")]
    [InlineData("mounts:\n  - path: /srv\n", 2, 5, "mount /srv has no type")]
    [InlineData("hosts: many\n", 1, 8, "hosts must be a whole number")]
    [InlineData("topolgy: sticky\n", 1, 1, "unknown key 'topolgy'")]
    [InlineData("rules:\n  MSD010: fatal\n", 2, 11, "must be error, warning, info or none")]
    [InlineData("mounts: [\n", 2, 1, "not valid YAML")]
    public void Errors_name_file_line_and_column(string yaml, int line, int column, string message)
    {
        var e = Assert.Throws<StorageProfileException>(() => Parse(yaml));
        Assert.Equal("mailstorage.yaml", e.Location.File);
        Assert.Equal(line, e.Location.Line);
        Assert.Equal(column, e.Location.Column);
        Assert.Contains(message, e.Reason, System.StringComparison.Ordinal);
        Assert.StartsWith("mailstorage.yaml:" + line + ":" + column + ": ", e.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void NFS_options_refine_what_the_mount_can_do()
    {
        var profile = Parse("mounts:\n  - path: /a\n    type: nfs\n    options: [vers=3, nolock]\n  - path: /b\n    type: nfs\n    options: [vers=2]\n  - path: /c\n    type: nfs4\n    options: [local_lock=flock]\n");
        Assert.Equal(FileSystemKind.Nfs3, profile.Mounts[0].Traits.Kind);
        Assert.Equal(CrossHostLocking.No, profile.Mounts[0].Traits.Fcntl);
        Assert.False(profile.Mounts[1].Traits.ExclusiveCreateAtomic);
        Assert.Equal(CrossHostLocking.WithLockd, profile.Mounts[1].Traits.Fcntl);
        Assert.Equal(CrossHostLocking.Yes, profile.Mounts[2].Traits.Fcntl);
        Assert.Equal(CrossHostLocking.No, profile.Mounts[2].Traits.Flock);
    }

    [Theory]
    [InlineData("fuse.glusterfs", FileSystemKind.GlusterFs)]
    [InlineData("fuse.sshfs", FileSystemKind.Fuse)]
    [InlineData("smb3", FileSystemKind.Smb3)]
    [InlineData("cifs", FileSystemKind.Cifs)]
    [InlineData("ext3", FileSystemKind.Ext4)]
    [InlineData("tmpfs", FileSystemKind.Tmpfs)]
    [InlineData("zork", FileSystemKind.Unknown)]
    public void Type_names_map_to_kinds(string name, FileSystemKind kind) => Assert.Equal(kind, FileSystemCatalog.ParseKind(name));

    [Fact]
    public void Every_kind_says_where_its_facts_come_from()
    {
        foreach (var kind in System.Enum.GetValues<FileSystemKind>())
        {
            if (kind != FileSystemKind.Unknown)
            {
                Assert.NotEmpty(FileSystemCatalog.Describe(kind, System.Array.Empty<string>()).Sources);
            }
        }
    }

    [Fact]
    public void Refuses_a_second_document_at_its_line()
    {
        // The defect: everything after '---' was silently ignored.
        var refused = Assert.Throws<StorageProfileException>(() => Parse("dovecot: \"2.3\"\ntopology: single\n---\nhosts: 4\n"));
        Assert.Equal(4, refused.Location.Line);
        Assert.Contains("second YAML document", refused.Message, System.StringComparison.Ordinal);
        Assert.Equal(Topology.Single, Parse("---\ndovecot: \"2.3\"\ntopology: single\n").Topology);
    }
}

public sealed class StorageRequirementTests
{
    [Fact]
    public void Requires_reads_both_forms_and_round_trips()
    {
        var profile = StorageProfile.Parse(new StringReader("requires:\n  mmap_disable: { value: \"yes\", reason: \"mmap missed a write\" }\n  mail_fsync: always\n"), "p.yaml");
        Assert.Equal(2, profile.Requirements.Count);
        Assert.Equal("yes", profile.Requirements[0].Value);
        Assert.Equal("mmap missed a write", profile.Requirements[0].Reason);
        Assert.Equal(2, profile.Requirements[0].Location.Line);
        var again = StorageProfile.Parse(new StringReader(StorageProfileWriter.ToYaml(profile)), "q.yaml");
        Assert.Equal(new[] { "mmap_disable = yes", "mail_fsync = always" }, again.Requirements.Select(r => r.ToString()));
        Assert.Equal("mmap missed a write", again.Requirements[0].Reason);
    }

    [Fact]
    public void Requires_names_only_Dovecot_settings()
    {
        var e = Assert.Throws<StorageProfileException>(() => StorageProfile.Parse(new StringReader("requires:\n  mmap_disabled: yes\n"), "p.yaml"));
        Assert.Equal(2, e.Location.Line);
        Assert.Contains("not a Dovecot setting", e.Reason, System.StringComparison.Ordinal);
    }

    [Fact]
    public void With_requirements_replaces_the_same_setting()
    {
        var profile = StorageProfile.Parse(new StringReader("requires:\n  mail_fsync: optimized\n"), "p.yaml")
            .WithRequirements(new[] { new StorageRequirement("mail_fsync", "always", "measured", default) });
        Assert.Equal("always", profile.Requirements.Single().Value);
    }
}
