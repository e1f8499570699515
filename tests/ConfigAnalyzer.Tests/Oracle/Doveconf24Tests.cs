using System;
using System.IO;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Oracle;

/// <summary>The 2.4 oracle is really Dovecot 2.4.1 and reads host paths and its own default tree.</summary>
public sealed class Doveconf24Tests
{
    [Fact]
    public void Is_Dovecot_2_4_1_and_reads_Debian_trixies_default_tree()
    {
        // /etc is the chroot's own: this is the tree the dovecot-core package of trixie installs.
        var result = Doveconf24.Run("/", null, "-c", "/etc/dovecot/dovecot.conf", "-n");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("# 2.4.1-", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\ndovecot_config_version = 2.4.0\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\nmail_driver = mbox\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_host_config_and_its_relative_include_and_names_the_error_as_2_4_does()
    {
        string dir = Directory.CreateTempSubdirectory("mailstorage-doveconf24-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "dovecot.conf"),
                "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\n!include inc.conf\n");
            File.WriteAllText(Path.Combine(dir, "inc.conf"), "mail_driver = maildir\n");
            var ok = Doveconf24.Run(dir, null, "-c", "dovecot.conf", "-n");
            Assert.True(ok.ExitCode == 0, ok.Stderr);
            Assert.EndsWith("dovecot_storage_version = 2.4.1\nmail_driver = maildir\n", ok.Stdout, StringComparison.Ordinal);

            // A 2.3 setting is refused by 2.4, at its file and line: the oracle is not this host's 2.3 doveconf.
            File.WriteAllText(Path.Combine(dir, "inc.conf"), "mail_location = maildir:~/Maildir\n");
            var bad = Doveconf24.Run(dir, null, "-c", "dovecot.conf", "-n");
            Assert.NotEqual(0, bad.ExitCode);
            // 2.4 names an include as the config wrote it, relative here.
            Assert.Contains("Error in configuration file inc.conf line 1: mail_location: Unknown setting: mail_location", bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Doveadm_2_4_1_writes_a_Maildir_on_a_host_path()
    {
        string dir = Directory.CreateTempSubdirectory("mailstorage-doveadm24-").FullName;
        try
        {
            // Mail access as root is refused; nobody exists in the chroot and owns the mail folder here.
            Assert.Equal(0, Doveconf.RunProgram("chmod", "/", null, TimeSpan.FromSeconds(10), "755", dir).ExitCode);
            Directory.CreateDirectory(Path.Combine(dir, "mail"));
            Assert.Equal(0, Doveconf.RunProgram("chown", "/", null, TimeSpan.FromSeconds(10), "65534:65534", Path.Combine(dir, "mail")).ExitCode);
            File.WriteAllText(Path.Combine(dir, "dovecot.conf"),
                "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\n" +
                $"base_dir = {dir}/run\nmail_driver = maildir\nmail_path = {dir}/mail/%{{user}}\nmail_home = {dir}/mail/%{{user}}\n" +
                "mail_uid = 65534\nmail_gid = 65534\n");
            var env = new System.Collections.Generic.Dictionary<string, string> { ["USER"] = "alice" };
            var created = Doveconf24.RunDoveadm(dir, env, "-c", "dovecot.conf", "mailbox", "create", "--no-userdb-lookup", "Archive");
            Assert.True(created.ExitCode == 0, created.Stderr);
            var listed = Doveconf24.RunDoveadm(dir, env, "-c", "dovecot.conf", "mailbox", "list", "--no-userdb-lookup");
            Assert.True(listed.ExitCode == 0, listed.Stderr);
            Assert.Equal(new[] { "Archive", "INBOX" }, listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.True(Directory.Exists(Path.Combine(dir, "mail", "alice", ".Archive", "cur")), "no Maildir++ folder for Archive under " + dir);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
