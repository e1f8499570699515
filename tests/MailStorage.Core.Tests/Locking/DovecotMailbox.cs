using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailStorage.Core.Tests.TestBeds;

namespace MailStorage.Core.Tests.Locking;

/// <summary>
/// A real Dovecot mailbox for interop tests: a private dovecot.conf in a temporary folder (static userdb, no auth
/// service, mail as uid/gid 65534 because Dovecot refuses mail access as root) and a Maildir whose INBOX has a few
/// messages saved by <c>doveadm save</c>, so dovecot.index.log, dovecot-uidlist and the cache exist. doveadm runs as
/// root with <c>-c</c> this config and drops to 65534 itself.
/// </summary>
internal sealed class DovecotMailbox : IDisposable
{
    /// <summary>The uid and gid Dovecot accesses the mail as (nobody/nogroup on Debian).</summary>
    public const int MailId = 65534;

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

    /// <summary>Why Dovecot interop cannot be tested here, or null.</summary>
    public static string? Missing()
    {
        if (!File.Exists("/usr/bin/doveadm"))
        {
            return "doveadm is not installed (Debian: apt-get install dovecot-core)";
        }

        return TestCommand.Missing("flock", "sleep");
    }

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

            File.WriteAllText(mailbox.Config, string.Join('\n', new[]
            {
                "# MailStorage interop test: private Dovecot, no services; doveadm reads it with -c.",
                "base_dir = " + Path.Combine(root, "run"),
                "mail_location = maildir:" + mailbox.Maildir,
                "first_valid_uid = 1",
                "first_valid_gid = 1",
                "mail_uid = " + MailId,
                "mail_gid = " + MailId,
                "ssl = no",
                "userdb {",
                "  driver = static",
                "  args = uid=" + MailId + " gid=" + MailId + " home=" + root,
                "}",
                "passdb {",
                "  driver = static",
                "  args = nopassword=y",
                "}",
                string.Empty,
            }));
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

    private RunningDoveadm Start(string? input, string[] arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/doveadm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Config);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // No -u: doveadm serves the user named by USER with the static userdb, without an auth service.
        info.Environment["USER"] = "nobody";
        info.Environment["HOME"] = Root;
        return new RunningDoveadm(info, input);
    }

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

/// <summary>What a finished doveadm did: its exit code, stdout and stderr together, and how long it ran.</summary>
internal sealed record DoveadmRun(int ExitCode, string Output, TimeSpan Elapsed, TimeSpan ExitedAt, int Pid)
{
    /// <summary><c>exit 0 after 2.03 s</c>.</summary>
    public override string ToString() =>
        "exit " + ExitCode + " after " + Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" +
        (Output.Length > 0 ? ": " + Output.Trim() : string.Empty);
}

/// <summary>A doveadm started in the background; its exit is stamped on a shared clock as it happens.</summary>
internal sealed class RunningDoveadm : IDisposable
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private readonly Process process;
    private readonly TimeSpan startedAt;
    private readonly Task<TimeSpan> exited;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;

    public RunningDoveadm(ProcessStartInfo info, string? input)
    {
        startedAt = Clock.Elapsed;
        process = Process.Start(info) ?? throw new InvalidOperationException("doveadm did not start");
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
        if (input != null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        exited = Task.Run(async () =>
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            return Clock.Elapsed;
        });
    }

    /// <summary>The doveadm process id (the pid its dotlocks carry).</summary>
    public int Pid => process.Id;

    /// <summary>Whether it has ended.</summary>
    public bool HasExited => exited.IsCompleted;

    /// <summary>Now, on the clock exits are stamped with.</summary>
    public static TimeSpan Now => Clock.Elapsed;

    /// <summary>Waits for it to end (killing it after <paramref name="timeout"/>).</summary>
    public DoveadmRun Wait(TimeSpan timeout)
    {
        if (!exited.Wait(timeout))
        {
            process.Kill(entireProcessTree: true);
            exited.Wait();
            return new DoveadmRun(-1, "doveadm did not finish within " + timeout + "\n" + stdout.Result + stderr.Result, Clock.Elapsed - startedAt, Clock.Elapsed, process.Id);
        }

        var text = new StringBuilder(stdout.Result).Append(stderr.Result).ToString();
        return new DoveadmRun(process.ExitCode, text, exited.Result - startedAt, exited.Result, process.Id);
    }

    /// <summary>Kills it if it still runs.</summary>
    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }
}

/// <summary>A process that holds a lock the way Dovecot's side would (a classic fcntl lock, flock(1), a live pid), until disposed.</summary>
internal sealed class LockHolderProcess : IDisposable
{
    private readonly Process process;
    private bool disposed;

    private LockHolderProcess(Process process) => this.process = process;

    /// <summary>Its pid.</summary>
    public int Pid => process.Id;

    /// <summary>A classic (process-owned) fcntl write lock over the whole file, as Dovecot's F_SETLKW takes: python's lockf.</summary>
    public static LockHolderProcess ClassicFcntl(string file) => StartAndWait(
        File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
        "-c",
        "import fcntl, sys, time\nf = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)\n",
        file);

    /// <summary>flock(1) holding LOCK_EX on the file (the flock process itself is the holder in /proc/locks).</summary>
    public static LockHolderProcess Flock(string file) => StartAndWait("flock", file, "-c", "echo locked; sleep 60");

    /// <summary>A live process that does nothing (a pid for a dotlock).</summary>
    public static LockHolderProcess Sleeper()
    {
        var info = new ProcessStartInfo("sleep") { UseShellExecute = false };
        info.ArgumentList.Add("60");
        return new LockHolderProcess(Process.Start(info) ?? throw new InvalidOperationException("sleep did not start"));
    }

    /// <summary>Kills the holder (the kernel drops its locks); again is harmless.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static LockHolderProcess StartAndWait(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException(program + " did not start");
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(10)) || line.Result != "locked")
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(program + " did not report its lock within 10 s");
        }

        return new LockHolderProcess(process);
    }
}
