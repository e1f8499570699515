using System;
using System.Diagnostics;
using System.IO;

namespace MailStorage.Core.Tests.TestBeds;

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
