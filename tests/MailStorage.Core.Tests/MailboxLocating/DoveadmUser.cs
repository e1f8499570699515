using System;
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
        string? missing = PrivateDovecot.Missing();
        if (missing != null)
        {
            throw new InvalidOperationException("Dovecot tests cannot run: " + missing);
        }

        Root = Path.Combine(Path.GetTempPath(), "mailstorage-user-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Home);
        TestCommand.Must("chmod", "0755", Root);
        Config = Path.Combine(Root, "dovecot.conf");
        PrivateDovecot.WriteConfig(Config, "mailbox-locating test", expandRoot == null ? mailLocation : expandRoot(Root), Home);
        TestCommand.Must("chown", "-R", PrivateDovecot.MailId + ":" + PrivateDovecot.MailId, Home);
    }

    public string Root { get; }

    public string Config { get; }

    /// <summary>The users' home (the static userdb gives every user the same one).</summary>
    private string Home => Path.Combine(Root, "home");

    /// <summary>doveadm -c Config args, as <paramref name="user"/>; its output without the trailing newline, or an exception with it.</summary>
    public string Run(string user, params string[] arguments)
    {
        var run = PrivateDovecot.Run(Config, user, Home, null, TimeSpan.FromSeconds(60), arguments);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException("doveadm " + string.Join(' ', arguments) + " as " + user + " failed (exit " + run.ExitCode + "): " + run.Output);
        }

        return run.Output.TrimEnd('\n');
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
