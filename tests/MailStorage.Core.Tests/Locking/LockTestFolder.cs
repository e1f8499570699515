using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace MailStorage.Core.Tests.Locking;

/// <summary>A fresh folder in /tmp for one test, removed (with any helper processes it started) by Dispose.</summary>
internal sealed class LockTestFolder : IDisposable
{
    private readonly List<Process> children = new();

    public LockTestFolder()
    {
        Root = Path.Combine("/tmp", "mailstorage-lock-test-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A file in the folder holding <paramref name="text"/>; its path.</summary>
    public string File(string name, string text = "")
    {
        string path = Path.Combine(Root, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// Starts python3 running <paramref name="script"/> (with the path as sys.argv[1], then <paramref name="more"/>); returns once it printed "ready".
    /// Killed by Dispose.
    /// </summary>
    public Process Python(string script, string path, params string[] more)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(path);
        foreach (string argument in more)
        {
            info.ArgumentList.Add(argument);
        }

        return StartAndWait(info, "ready");
    }

    /// <summary>Starts a process and waits (10 s at most) for a line starting with <paramref name="readyPrefix"/>.</summary>
    public Process StartAndWait(ProcessStartInfo info, string readyPrefix)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException(info.FileName + " did not start");
        children.Add(process);
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || line.Result == null || !line.Result.StartsWith(readyPrefix, StringComparison.Ordinal))
        {
            string error = process.HasExited ? process.StandardError.ReadToEnd() : "(still running)";
            throw new InvalidOperationException(info.FileName + " did not get ready: " + (line.IsCompleted ? line.Result : "no output") + " " + error);
        }

        return process;
    }

    /// <summary>A pid that is certainly not running now: a process that has exited.</summary>
    public static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        int pid = process.Id;
        Thread.Sleep(10);
        return pid;
    }

    public void Dispose()
    {
        foreach (var child in children)
        {
            try
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            child.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
