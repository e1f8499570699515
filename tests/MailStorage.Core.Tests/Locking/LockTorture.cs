using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Locking;

/// <summary>Runs tests/LockTorture as separate processes: N workers incrementing one counter under a lock.</summary>
internal static class LockTorture
{
    /// <summary>The built LockTorture.dll of the same configuration as these tests.</summary>
    public static string Dll
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains("/release/", StringComparison.Ordinal) ? "release" : "debug";
            string dll = Path.Combine(TestCommand.RepositoryRoot, "artifacts", "bin", "LockTorture", configuration, "LockTorture.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException(dll + " is missing: build tests/LockTorture (the test project references it).");
        }
    }

    /// <summary>The dotnet host running these tests.</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Starts a LockTorture process.</summary>
    public static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo(Host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("LockTorture did not start");
    }

    /// <summary>
    /// Writes 0 to the counter, runs one worker per entry of <paramref name="counterPaths"/> (the same file, possibly
    /// through different mounts), each doing <paramref name="cycles"/> cycles; returns the final count and the time.
    /// </summary>
    public static (long Count, TimeSpan Took) Run(string method, IReadOnlyList<string> counterPaths, int cycles, string create = "excl")
    {
        File.WriteAllText(counterPaths[0], "0");
        var watch = Stopwatch.StartNew();
        var workers = counterPaths.Select(p => Start(method, p, cycles.ToString(CultureInfo.InvariantCulture), create)).ToList();
        var outputs = workers.Select(w => (Out: w.StandardOutput.ReadToEndAsync(), Err: w.StandardError.ReadToEndAsync())).ToList();
        try
        {
            for (int i = 0; i < workers.Count; i++)
            {
                Assert.True(workers[i].WaitForExit(150_000), "LockTorture " + method + " worker " + i + " did not finish within 150 s");
                workers[i].WaitForExit();
                Assert.True(workers[i].ExitCode == 0, "LockTorture " + method + " worker " + i + " failed: " + outputs[i].Out.Result + outputs[i].Err.Result);
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                if (!worker.HasExited)
                {
                    worker.Kill();
                    worker.WaitForExit();
                }

                worker.Dispose();
            }
        }

        watch.Stop();
        return (long.Parse(File.ReadAllText(counterPaths[0]).Trim(), CultureInfo.InvariantCulture), watch.Elapsed);
    }
}
