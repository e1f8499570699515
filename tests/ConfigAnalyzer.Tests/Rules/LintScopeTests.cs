using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

/// <summary>How mail paths land on the profile's mounts: longest prefix, variables, home directories, namespaces and filters.</summary>
public sealed class LintScopeTests
{
    private const string Profile = "topology: sticky\nmounts:\n  - path: /srv/mail\n    type: nfs4\n  - path: /srv/mail/local\n    type: ext4\n  - path: /srv/index\n    type: ext4\n  - path: /dev/shm\n    type: tmpfs\n  - path: /var\n    type: ext4\n";

    private static LintScope[] Scopes(string config)
    {
        string dir = Path.Combine(Path.GetTempPath(), "msscope-" + System.Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "dovecot.conf"), config);
        var dovecot = ConfigReader.Read(Path.Combine(dir, "dovecot.conf"));
        Directory.Delete(dir, true);
        var profile = StorageProfile.Parse(new StringReader(Profile), "p.yaml");
        return dovecot.Blocks.Select(b => new LintScope(dovecot, profile, b)).ToArray();
    }

    [Fact]
    public void Each_path_lands_on_its_longest_mount()
    {
        var scope = Scopes("mail_location = maildir:/srv/mail/x/%d/%n:INDEX=/srv/mail/local/idx/%n:CONTROL=/srv/indexes/%n:VOLATILEDIR=/dev/shm/%n\n")[0];
        Assert.Equal("/srv/mail", scope.PathsOf(StoragePathRole.Mail).Single().Mount!.Path);
        Assert.Equal("/srv/mail/local", scope.PathsOf(StoragePathRole.Index).Single().Mount!.Path);
        Assert.Null(scope.PathsOf(StoragePathRole.Control).Single().Mount);
        Assert.Equal(FileSystemKind.Tmpfs, scope.PathsOf(StoragePathRole.Volatile).Single().Mount!.Kind);
        Assert.Equal(1, scope.PathsOf(StoragePathRole.Mail).Single().Location.Line);
    }

    [Fact]
    public void A_variable_that_chooses_the_mount_is_said_not_guessed()
    {
        var path = Scopes("mail_location = maildir:/srv/mail/%d\n")[0].PathsOf(StoragePathRole.Mail).Single();
        Assert.Null(path.Mount);
        Assert.Contains("depending on the user", path.Unresolved, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Home_comes_from_mail_home_or_is_unresolved()
    {
        var withHome = Scopes("mail_home = /srv/mail/home/%n\nmail_location = maildir:~/Maildir\n")[0];
        Assert.Equal("/srv/mail", withHome.PathsOf(StoragePathRole.Mail).Single().Mount!.Path);
        var withoutHome = Scopes("mail_location = maildir:~/Maildir\n")[0].PathsOf(StoragePathRole.Mail).Single();
        Assert.Null(withoutHome.Mount);
        Assert.Contains("userdb", withoutHome.Unresolved, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Namespace_locations_and_filters_have_their_own_paths()
    {
        var scopes = Scopes("mail_location = maildir:/srv/mail/x/%n\nnamespace shared {\n  location = maildir:/var/shared/%n\n}\nnamespace inbox {\n  inbox = yes\n}\nprotocol lmtp {\n  mail_location = maildir:/srv/mail/x/%n:INDEX=MEMORY\n}\n");
        var global = scopes[0];
        Assert.Contains(global.Paths, p => p.Origin == "namespace shared { location }" && p.Mount!.Path == "/var" && p.Location.Line == 3);
        Assert.Contains(global.Paths, p => p.Origin == "mail_location" && p.Mount!.Path == "/srv/mail");
        var lmtp = scopes.Single(s => s.Protocol == "lmtp");
        Assert.Contains(lmtp.PathsOf(StoragePathRole.Index), p => p.IsMemory && p.Location.Line == 9);
    }
}
