using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace MailStorage.Core.Tests.TestBeds;

/// <summary>Runs the programs test beds need (mount, bindfs, the GlusterFS script) with a time limit.</summary>
internal static class TestCommand
{
    /// <summary>Whether this is a CI run: missing tools and privileges are failures there, never quiet passes.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs a program; its exit code and combined output. Killed after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment != null)
        {
            foreach (var pair in environment)
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, program + " did not finish within " + timeout + "\n" + output.Result + error.Result);
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>Runs a program that must succeed; an exception with its output otherwise.</summary>
    public static string Must(string program, params string[] arguments)
    {
        var (code, text) = Run(program, arguments, TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            throw new InvalidOperationException(program + " " + string.Join(" ", arguments) + " failed (exit " + code + "): " + text.Trim());
        }

        return text;
    }

    /// <summary>
    /// Why a test bed cannot be built here (not root, a missing tool or device), or null. Test beds fail with this
    /// message in every run; the text says what to install.
    /// </summary>
    public static string? Missing(params string[] tools)
    {
        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal))
        {
            return "the test beds mount filesystems and need root";
        }

        foreach (string tool in tools)
        {
            if (tool.StartsWith('/'))
            {
                if (!File.Exists(tool))
                {
                    return tool + " is missing";
                }

                continue;
            }

            if (!Array.Exists((Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'), d => File.Exists(Path.Combine(d, tool))) &&
                !File.Exists(Path.Combine("/usr/sbin", tool)) && !File.Exists(Path.Combine("/sbin", tool)))
            {
                return tool + " is not installed (Debian: " + PackageOf(tool) + ")";
            }
        }

        return null;
    }

    /// <summary>The repository root (where MailStorage.sln is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MailStorage.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("MailStorage.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string PackageOf(string tool) => tool switch
    {
        "glusterd" or "gluster" => "apt-get install glusterfs-server",
        "glusterfs" => "apt-get install glusterfs-client",
        "bindfs" => "apt-get install bindfs",
        "cc" => "apt-get install gcc",
        _ => "apt-get install util-linux",
    };
}
