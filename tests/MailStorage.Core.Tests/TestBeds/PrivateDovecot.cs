using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace MailStorage.Core.Tests.TestBeds;

/// <summary>
/// The one place the tests write a private dovecot.conf and run doveadm with it (<see cref="DovecotMailbox"/>, the
/// repair template, the mailbox-locating user all go through here): a static userdb and passdb so no auth service is
/// needed, base_dir beside the config so no running Dovecot is touched, and mail as uid/gid 65534 because Dovecot
/// refuses mail access as root. doveadm runs as root with <c>-c</c> the config and drops to 65534 itself.
/// </summary>
internal static class PrivateDovecot
{
    /// <summary>The uid and gid Dovecot accesses the mail as (nobody/nogroup on Debian).</summary>
    public const int MailId = 65534;

    /// <summary>The doveadm the tests run (Debian's dovecot-core).</summary>
    public const string Doveadm = "/usr/bin/doveadm";

    /// <summary>Why Dovecot interop cannot be tested here, or null.</summary>
    public static string? Missing()
    {
        if (!File.Exists(Doveadm))
        {
            return "doveadm is not installed (Debian: apt-get install dovecot-core)";
        }

        return TestCommand.Missing("flock", "sleep");
    }

    /// <summary>
    /// Writes <paramref name="config"/>: base_dir <c>run</c> beside it, <paramref name="mailLocation"/>, then
    /// <paramref name="settings"/> (whole <c>name = value</c> lines), and a static userdb whose home is
    /// <paramref name="home"/>. <paramref name="purpose"/> goes into the first line, a comment for whoever finds the file.
    /// </summary>
    public static void WriteConfig(string config, string purpose, string mailLocation, string home, params string[] settings)
    {
        var lines = new List<string>
        {
            "# MailStorage " + purpose + ": private Dovecot, no services; doveadm reads it with -c.",
            "base_dir = " + Path.Combine(Path.GetDirectoryName(config)!, "run"),
            "mail_location = " + mailLocation,
        };
        lines.AddRange(settings);
        lines.AddRange(new[]
        {
            "first_valid_uid = 1",
            "first_valid_gid = 1",
            "mail_uid = " + MailId,
            "mail_gid = " + MailId,
            "ssl = no",
            "userdb {",
            "  driver = static",
            "  args = uid=" + MailId + " gid=" + MailId + " home=" + home,
            "}",
            "passdb {",
            "  driver = static",
            "  args = nopassword=y",
            "}",
            string.Empty,
        });
        File.WriteAllText(config, string.Join('\n', lines));
    }

    /// <summary>
    /// Starts doveadm with <paramref name="config"/> for <paramref name="user"/> (global -o options go before the
    /// command name), with <paramref name="input"/> on stdin when it is not null.
    /// </summary>
    public static RunningDoveadm Start(string config, string user, string home, string? input, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Doveadm)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(config);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        RunAs(info, user, home);
        return new RunningDoveadm(info, input);
    }

    /// <summary>Runs doveadm as <see cref="Start"/> does and waits for it (killing it after <paramref name="timeout"/>).</summary>
    public static DoveadmRun Run(string config, string user, string home, string? input, TimeSpan timeout, IEnumerable<string> arguments)
    {
        using var running = Start(config, user, home, input, arguments);
        return running.Wait(timeout);
    }

    /// <summary>
    /// The environment doveadm needs to serve <paramref name="user"/> without an auth service: no -u, so doveadm takes
    /// the user from USER and looks it up in the static userdb. Also for shell loops that run doveadm themselves.
    /// </summary>
    public static void RunAs(ProcessStartInfo info, string user, string home)
    {
        info.Environment["USER"] = user;
        info.Environment["HOME"] = home;
    }
}

/// <summary>What a finished doveadm did: its exit code, stdout, stderr (where Dovecot logs), and how long it ran.</summary>
internal sealed record DoveadmRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, TimeSpan ExitedAt, int Pid)
{
    /// <summary><c>doveadm did not finish within 00:01:00</c> when it was killed at its time limit, else null.</summary>
    public string? TimedOut { get; init; }

    /// <summary>stdout and stderr together (after the time-limit note, if any).</summary>
    public string Output => (TimedOut == null ? string.Empty : TimedOut + "\n") + Stdout + Stderr;

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

    /// <summary>Waits for it to end (killing it after <paramref name="timeout"/>: exit code -1 and <see cref="DoveadmRun.TimedOut"/>).</summary>
    public DoveadmRun Wait(TimeSpan timeout)
    {
        if (!exited.Wait(timeout))
        {
            process.Kill(entireProcessTree: true);
            exited.Wait();
            return new DoveadmRun(-1, stdout.Result, stderr.Result, Clock.Elapsed - startedAt, Clock.Elapsed, process.Id)
            {
                TimedOut = "doveadm did not finish within " + timeout,
            };
        }

        return new DoveadmRun(process.ExitCode, stdout.Result, stderr.Result, exited.Result - startedAt, exited.Result, process.Id);
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
