using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.Core.FileSystems;
using Xunit;

namespace MailStorage.Core.Tests.FileSystems;

public sealed class ProfileExporterTests
{
    [Theory]
    [InlineData("/srv/mail/%d/%n/Maildir", "", "/srv/mail")]
    [InlineData("/srv/mail", "", "/srv/mail")]
    [InlineData("/srv/mail/", "", "/srv/mail")]
    [InlineData("/var/mail/%u", "", "/var/mail")]
    [InlineData("/srv/idx%d", "", "/srv")]
    [InlineData("/%d", "", "/")]
    [InlineData("~/Maildir", "/home/%u", "/home")]
    [InlineData("%h/Maildir", "/var/vmail/home/%d/%n", "/var/vmail/home")]
    [InlineData("/data/~%u/mail", "", "/data")]
    public void The_static_prefix_is_the_folder_before_the_first_variable(string template, string home, string prefix)
    {
        var (actual, reason) = ProfileExporter.StaticPrefix(template, home);
        Assert.Null(reason);
        Assert.Equal(prefix, actual);
    }

    [Theory]
    [InlineData("~/Maildir", "", "home directory")]
    [InlineData("~/Maildir", "~", "home directory")]
    [InlineData("Maildir", "", "not an absolute path")]
    public void Paths_that_cannot_be_placed_say_why(string template, string home, string reason)
    {
        var (prefix, why) = ProfileExporter.StaticPrefix(template, home);
        Assert.Null(prefix);
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Takes_every_path_the_configuration_uses()
    {
        string dir = Directory.CreateTempSubdirectory("mailstorage-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "dovecot.conf"),
                "mail_location = mdbox:/srv/mail/%d/%n:INDEX=/srv/index/%d/%n:CONTROL=/srv/control/%u:VOLATILEDIR=/run/dovecot/vol/%u:ALT=/srv/alt/%u:LISTINDEX=/srv/list/%u/dovecot.list.index\n" +
                "mail_home = /home/vmail/%d/%n\n" +
                "namespace shared {\n  type = shared\n  prefix = shared/%%u/\n  location = maildir:/srv/shared/%%d/%%n\n}\n" +
                "namespace inbox {\n  inbox = yes\n}\n" +
                "protocol lmtp {\n  mail_location = maildir:~/lmtp\n}\n");
            var config = ConfigReader.Read(Path.Combine(dir, "dovecot.conf"));
            Assert.Null(config.FatalError);
            var paths = ProfileExporter.ConfigPaths(config);
            var bySetting = paths.Where(p => p.Prefix != null).Select(p => p.Setting + " " + p.Prefix).ToList();
            Assert.Contains("mail_location /srv/mail", bySetting);
            Assert.Contains("mail_location INDEX /srv/index", bySetting);
            Assert.Contains("mail_location CONTROL /srv/control", bySetting);
            Assert.Contains("mail_location VOLATILEDIR /run/dovecot/vol", bySetting);
            Assert.Contains("mail_location ALT /srv/alt", bySetting);
            Assert.Contains("mail_location LISTINDEX /srv/list", bySetting);
            Assert.Contains("namespace shared { location } /srv/shared", bySetting);
            Assert.Contains("mail_home /home/vmail", bySetting);

            // The lmtp filter's ~ is placed by mail_home.
            Assert.Contains(paths, p => p.Template == "~/lmtp" && p.Prefix == "/home/vmail");
            Assert.All(paths, p => Assert.Equal(1, paths.Count(q => q.Setting == p.Setting && q.Template == p.Template)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Detect_config_paths_tells_each_prefix_before_detecting_it_and_warns_of_paths_without_one()
    {
        using var scratch = new ScratchMounts();
        string tmpfs = scratch.Tmpfs("mail");
        string conf = Path.Combine(scratch.Folder("etc"), "dovecot.conf");
        File.WriteAllText(conf, "mail_location = maildir:" + tmpfs + "/%d/%n/Maildir:INDEX=/var/tmp/index/%d/%n\nmail_home = ~\n");
        var config = ConfigReader.Read(conf);
        Assert.Null(config.FatalError);

        foreach (var mounts in new[] { null, MountInfo.ReadCurrent() })
        {
            var detected = new List<DetectedFileSystem>();
            var warnings = new List<string>();
            var looked = new List<string>();
            ProfileExporter.DetectConfigPaths(config, mounts, detected, warnings, p => looked.Add(p.Setting + " " + p.Prefix + " " + detected.Count), (p, ex) => Assert.Fail(p.Prefix + ": " + ex.Message));

            // Told before each detection (the count is what was detected until then), in ConfigPaths' order.
            Assert.Equal(new[] { "mail_location " + tmpfs + " 0", "mail_location INDEX /var/tmp/index 1" }, looked);
            Assert.Equal(new[] { tmpfs, "/var/tmp/index" }, detected.Select(d => d.Path));
            Assert.Equal(tmpfs, detected[0].MountPoint);
            Assert.False(detected[1].PathExists);
            Assert.Equal(new[] { "mail_home = ~: in the user's home directory, which only the userdb knows; set mail_home or use an absolute path" }, warnings);
        }

        // Export detects the same paths the same way.
        var export = ProfileExporter.Export(Array.Empty<string>(), config, Topology.Single, null, "detected");
        Assert.Equal(new[] { tmpfs, "/var/tmp/index" }, export.FileSystems.Select(d => d.Path));
    }

    [Fact]
    public void Exports_the_mounts_of_the_configurations_paths_as_a_profile_the_linter_reads()
    {
        using var scratch = new ScratchMounts();
        string tmpfs = scratch.Tmpfs("mail");
        string configDir = scratch.Folder("etc");
        string conf = Path.Combine(configDir, "dovecot.conf");
        File.WriteAllText(conf, "mail_location = maildir:" + tmpfs + "/%d/%n/Maildir:INDEX=" + tmpfs + "/index/%d/%n\nmail_home = ~\n");
        var config = ConfigReader.Read(conf);

        var export = ProfileExporter.Export(new[] { "/" }, config, Topology.Sticky, 3, "detected");
        var profile = export.Profile;
        Assert.Equal("2.3", profile.DovecotVersion);
        Assert.Equal(Topology.Sticky, profile.Topology);
        Assert.Equal(3, profile.Hosts);
        Assert.Equal(new[] { "/", tmpfs }, profile.Mounts.Select(m => m.Path));
        var mail = profile.Mounts[1];
        Assert.Equal("tmpfs", mail.TypeName);
        Assert.Equal(FileSystemKind.Tmpfs, mail.Kind);
        Assert.Contains("size=16384k", mail.Options);
        Assert.Contains(export.FileSystems, f => f.Path == tmpfs + "/index" && !f.PathExists && f.MountPoint == tmpfs);
        Assert.Contains(export.Warnings, w => w.StartsWith("mail_home = ~:", StringComparison.Ordinal));

        // Written and read back, it is the same profile.
        string yaml = StorageProfileWriter.ToYaml(profile);
        var back = StorageProfile.Parse(new StringReader(yaml), "mailstorage.yaml");
        Assert.Equal(profile.Topology, back.Topology);
        Assert.Equal(profile.Hosts, back.Hosts);
        Assert.Equal(profile.Mounts.Select(m => (m.Path, m.TypeName, string.Join(",", m.Options))), back.Mounts.Select(m => (m.Path, m.TypeName, string.Join(",", m.Options))));
        Assert.Equal(tmpfs, back.FindMount(tmpfs + "/example.com/alice/Maildir")!.Path);
    }

    [Fact]
    public void Leaves_out_filesystems_a_profile_cannot_name()
    {
        var export = ProfileExporter.Export(new[] { "/proc/self", "/" }, null, Topology.Single, null, "detected");
        Assert.DoesNotContain(export.Profile.Mounts, m => m.Path == "/proc");
        Assert.Contains(export.Warnings, w => w.Contains("'proc'", StringComparison.Ordinal));
        Assert.Single(export.Profile.Mounts);
    }

    [Fact]
    public void One_mount_per_mount_point()
    {
        using var scratch = new ScratchMounts();
        string tmpfs = scratch.Tmpfs("mail");
        Directory.CreateDirectory(Path.Combine(tmpfs, "a"));
        Directory.CreateDirectory(Path.Combine(tmpfs, "b"));
        var export = ProfileExporter.Export(new[] { Path.Combine(tmpfs, "a"), Path.Combine(tmpfs, "b"), tmpfs }, null, Topology.Single, null, "detected");
        Assert.Single(export.Profile.Mounts);
        Assert.Equal(3, export.FileSystems.Count);
    }
}
