using System;
using System.IO;

namespace MailStorage.ConfigAnalyzer.PackageTests;

/// <summary>A temporary folder with a Dovecot configuration, its conf.d and a storage profile, deleted on dispose.</summary>
internal sealed class ConfigFolder : IDisposable
{
    /// <summary>Mail and indexes on NFSv4, users pinned to one of three backends.</summary>
    public const string NfsSticky =
        "dovecot: \"2.3\"\ntopology: sticky\nhosts: 3\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [hard, vers=4.2, actimeo=60, noatime, nordirplus]\n" +
        "  - path: /dev/shm\n    type: tmpfs\n";

    /// <summary>dovecot.conf: a backend safe on <see cref="NfsSticky"/> storage, settings in conf.d.</summary>
    public const string Main = "# backend\nprotocols = imap lmtp\ndefault_vsz_limit = 2G\n!include conf.d/*.conf\n" +
        "protocol lmtp {\n  mail_max_lock_timeout = 30s\n}\n";

    /// <summary>conf.d/10-mail.conf; <c>mmap_disable</c> is on line 3.</summary>
    public static string Mail(string mmapDisable) =>
        "mail_location = maildir:/srv/mail/%d/%n/Maildir:VOLATILEDIR=/dev/shm/dovecot/%u\nmail_fsync = always\nmmap_disable = " + mmapDisable + "\n" +
        "lock_method = fcntl\n";

    public ConfigFolder(string main, string mail, string profile)
    {
        Root = Path.Combine(Path.GetTempPath(), "ms-analyzer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "conf.d"));
        File.WriteAllText(ConfigPath, main);
        File.WriteAllText(MailPath, mail);
        File.WriteAllText(ProfilePath, profile);
    }

    public string Root { get; }

    public string ConfigPath => Path.Combine(Root, "dovecot.conf");

    public string MailPath => Path.Combine(Root, "conf.d", "10-mail.conf");

    public string ProfilePath => Path.Combine(Root, "mailstorage.yaml");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
