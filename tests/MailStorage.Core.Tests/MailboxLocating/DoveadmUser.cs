using System;
using System.Collections.Generic;
using System.IO;
using MailStorage.Core.Tests.TestBeds;

namespace MailStorage.Core.Tests.MailboxLocating;

/// <summary>
/// A private dovecot.conf with a given mail_location, and doveadm run for a user named by USER (no userdb lookup), so
/// Dovecot itself says how it expands mail_location and where each mailbox is (<c>doveadm mailbox path</c>).
/// </summary>
internal sealed class DoveadmUser : IDisposable
{
    public DoveadmUser(string mailLocation, Func<string, string>? expandRoot = null)
    {
        string? missing = Locking.DovecotMailbox.Missing();
        if (missing != null)
        {
            throw new InvalidOperationException("Dovecot tests cannot run: " + missing);
        }

        Root = Path.Combine(Path.GetTempPath(), "mailstorage-user-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(Root, "home"));
        TestCommand.Must("chmod", "0755", Root);
        Config = Path.Combine(Root, "dovecot.conf");
        File.WriteAllText(Config, string.Join('\n', new[]
        {
            "base_dir = " + Path.Combine(Root, "run"),
            "mail_location = " + (expandRoot == null ? mailLocation : expandRoot(Root)),
            "first_valid_uid = 1", "first_valid_gid = 1", "mail_uid = 65534", "mail_gid = 65534", "ssl = no",
            "userdb {", "  driver = static", "  args = uid=65534 gid=65534 home=" + Path.Combine(Root, "home"), "}",
            "passdb {", "  driver = static", "  args = nopassword=y", "}", string.Empty,
        }));
        TestCommand.Must("chown", "-R", "65534:65534", Path.Combine(Root, "home"));
    }

    public string Root { get; }

    public string Config { get; }

    /// <summary>doveadm -c Config args, as <paramref name="user"/>; its output without the trailing newline, or an exception with it.</summary>
    public string Run(string user, params string[] arguments)
    {
        var all = new List<string> { "-c", Config };
        all.AddRange(arguments);
        var (exit, output) = TestCommand.Run("/usr/bin/doveadm", all, TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["USER"] = user, ["HOME"] = Path.Combine(Root, "home") });
        if (exit != 0)
        {
            throw new InvalidOperationException("doveadm " + string.Join(' ', arguments) + " as " + user + " failed (exit " + exit + "): " + output);
        }

        return output.TrimEnd('\n');
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
