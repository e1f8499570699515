using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace MailStorage.Core.Tests.TestBeds;

/// <summary>
/// A real Dovecot mailbox for interop tests: a private dovecot.conf in a temporary folder (see
/// <see cref="PrivateDovecot"/>) and a Maildir whose INBOX has a few messages saved by <c>doveadm save</c>, so
/// dovecot.index.log, dovecot-uidlist and the cache exist.
/// </summary>
internal sealed class DovecotMailbox : IDisposable
{
    /// <summary>The uid and gid Dovecot accesses the mail as (nobody/nogroup on Debian).</summary>
    public const int MailId = PrivateDovecot.MailId;

    /// <summary>The user doveadm serves (any name does with the static userdb).</summary>
    private const string User = "nobody";

    private static int messageSeq;

    private DovecotMailbox(string root, string maildir)
    {
        Root = root;
        Maildir = maildir;
        Config = Path.Combine(root, "dovecot.conf");
    }

    /// <summary>The temporary folder (home of the user).</summary>
    public string Root { get; }

    /// <summary>The Maildir: INBOX, and the folder holding its index files.</summary>
    public string Maildir { get; }

    /// <summary>The private dovecot.conf.</summary>
    public string Config { get; }

    /// <summary>INBOX's transaction log, the file whose lock keeps Dovecot out.</summary>
    public string IndexLog => Path.Combine(Maildir, "dovecot.index.log");

    /// <summary>INBOX's uidlist (always protected by the dotlock dovecot-uidlist.lock).</summary>
    public string UidList => Path.Combine(Maildir, "dovecot-uidlist");

    /// <summary>The doveadm command line with this config, for shell loops started with <see cref="RunAs"/>.</summary>
    public string DoveadmCommandLine => PrivateDovecot.Doveadm + " -c " + Config;

    /// <summary>Why Dovecot interop cannot be tested here, or null.</summary>
    public static string? Missing() => PrivateDovecot.Missing();

    /// <summary>
    /// A new mailbox with <paramref name="messages"/> messages in INBOX, indexed by Dovecot. The Maildir is in the
    /// temporary folder, or a new folder under <paramref name="mailParent"/> (another filesystem, e.g. a GlusterFS
    /// mount); the configuration, home and base_dir always stay in the local temporary folder.
    /// </summary>
    public static DovecotMailbox Create(int messages = 3, string? mailParent = null)
    {
        string? missing = Missing();
        if (missing != null)
        {
            throw new InvalidOperationException("Dovecot interop tests cannot run: " + missing);
        }

        // Mode 0755: Dovecot, running as 65534, must reach the Maildir inside.
        string root = Path.Combine(Path.GetTempPath(), "mailstorage-dovecot-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        TestCommand.Must("chmod", "0755", root);
        string maildir = mailParent == null
            ? Path.Combine(root, "Maildir")
            : Path.Combine(mailParent, "Maildir-" + Path.GetFileName(root));
        var mailbox = new DovecotMailbox(root, maildir);
        try
        {
            foreach (string sub in new[] { "cur", "new", "tmp" })
            {
                Directory.CreateDirectory(Path.Combine(mailbox.Maildir, sub));
            }

            PrivateDovecot.WriteConfig(mailbox.Config, "interop test", "maildir:" + mailbox.Maildir, root);
            Chown(mailbox.Maildir);
            for (int i = 1; i <= messages; i++)
            {
                var run = mailbox.DoveadmWithInput(Message("message " + i), "save");
                if (run.ExitCode != 0)
                {
                    throw new InvalidOperationException("doveadm save failed (exit " + run.ExitCode + "): " + run.Output);
                }
            }

            if (!File.Exists(mailbox.IndexLog))
            {
                throw new InvalidOperationException("doveadm save made no " + mailbox.IndexLog);
            }

            return mailbox;
        }
        catch
        {
            mailbox.Dispose();
            throw;
        }
    }

    /// <summary>Runs doveadm with this config and waits for it (at most 60 s).</summary>
    public DoveadmRun Doveadm(params string[] arguments) => DoveadmWithInput(null, arguments);

    /// <summary>Runs doveadm with <paramref name="input"/> on stdin.</summary>
    public DoveadmRun DoveadmWithInput(string? input, params string[] arguments)
    {
        using var running = Start(input, arguments);
        return running.Wait(TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts doveadm with this config (global -o options go before the command name).</summary>
    public RunningDoveadm Start(params string[] arguments) => Start(null, arguments);

    /// <summary>Sets the environment doveadm needs to serve this mailbox's user on a process that runs doveadm.</summary>
    public void RunAs(ProcessStartInfo info) => PrivateDovecot.RunAs(info, User, Root);

    private RunningDoveadm Start(string? input, string[] arguments) => PrivateDovecot.Start(Config, User, Root, input, arguments);

    /// <summary>Drops a new message into new/ (as a delivery agent would); Dovecot gives it a UID at its next full sync.</summary>
    public string DeliverToNew(string subject)
    {
        int n = Interlocked.Increment(ref messageSeq);
        string name = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ".M" + n + "P" + Environment.ProcessId + ".mailstorage-test";
        string path = Path.Combine(Maildir, "new", name);
        File.WriteAllText(path, Message(subject));
        Chown(path);
        return path;
    }

    /// <summary>The UIDs doveadm reports for INBOX.</summary>
    public IReadOnlyList<int> Uids()
    {
        var run = Doveadm("fetch", "uid", "mailbox", "INBOX", "all");
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException("doveadm fetch uid failed (exit " + run.ExitCode + "): " + run.Output);
        }

        var uids = new List<int>();
        foreach (string line in run.Output.Split('\n'))
        {
            if (line.StartsWith("uid: ", StringComparison.Ordinal))
            {
                uids.Add(int.Parse(line.AsSpan(5).Trim(), CultureInfo.InvariantCulture));
            }
        }

        return uids;
    }

    /// <summary>Removes the temporary folder (and the Maildir, when it is elsewhere).</summary>
    public void Dispose()
    {
        foreach (string folder in Maildir.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? [Root] : new[] { Root, Maildir })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // a holder still running; the folder is under /tmp or on a test bed that is removed as a whole
            }
        }
    }

    private static string Message(string subject) =>
        "From: sender@example.org\nTo: user@example.org\nSubject: " + subject + "\nMessage-ID: <" + Guid.NewGuid().ToString("N") + "@example.org>\n\nbody of " + subject + "\n";

    private static void Chown(string path)
    {
        TestCommand.Must("chown", "-R", MailId + ":" + MailId, path);
    }
}
