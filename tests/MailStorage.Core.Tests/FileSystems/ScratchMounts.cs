using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MailStorage.Core.FileSystems;

namespace MailStorage.Core.Tests.FileSystems;

/// <summary>
/// Filesystems mounted for one test under a fresh folder in /tmp: tmpfs, loop images (xfs, btrfs), bind mounts.
/// Dispose unmounts everything it mounted (lazily when busy), deletes the images and the folder, and never deletes
/// while anything below the folder is still mounted. Needs root and the tools; without them the test fails with
/// a message that says what is missing (CI=true or not: a skip must never count as a pass).
/// </summary>
internal sealed class ScratchMounts : IDisposable
{
    private readonly List<string> mounted = new();

    public ScratchMounts()
    {
        Base = Path.Combine("/tmp", "mailstorage-fs-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(Base);
    }

    /// <summary>The folder everything lives in.</summary>
    public string Base { get; }

    /// <summary>Fails the test, with what to install, unless this is root and every tool is there.</summary>
    public static void Require(params string[] tools)
    {
        string ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? " (CI=true: this is a failure, not a skip)" : string.Empty;
        if (Run("id", "-u").Trim() != "0")
        {
            throw new InvalidOperationException("This test mounts filesystems and must run as root" + ci + ".");
        }

        foreach (var tool in tools.Concat(new[] { "mount", "umount" }))
        {
            if (!new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Any(d => File.Exists(Path.Combine(d, tool))))
            {
                throw new InvalidOperationException(tool + " is not installed" + ci + ": apt-get install " + PackageOf(tool) + " (test.sh installs it when run as root).");
            }
        }
    }

    /// <summary>A new folder below <see cref="Base"/>.</summary>
    public string Folder(string name)
    {
        string path = Path.Combine(Base, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Mounts a fresh tmpfs at a new folder; returns the folder.</summary>
    public string Tmpfs(string name)
    {
        Require();
        string dir = Folder(name);
        Mount("-t", "tmpfs", "-o", "size=16m", "mailstorage-test", dir);
        return dir;
    }

    /// <summary>Makes a 320 MB image with <paramref name="mkfs"/>, loop-mounts it at a new folder; returns the folder.</summary>
    public string LoopImage(string name, string mkfs, string? options = null)
    {
        Require(mkfs, "truncate");
        string image = Path.Combine(Base, name + ".img");
        Run("truncate", "-s", "320M", image);
        Run(mkfs, "-q", image);
        string dir = Folder(name);
        Mount("-o", "loop" + (options != null ? "," + options : string.Empty), image, dir);
        return dir;
    }

    /// <summary>Mounts <paramref name="source"/> (a device or an image) at a new folder with options.</summary>
    public string MountAt(string name, string source, string options)
    {
        string dir = Folder(name);
        Mount("-o", options, source, dir);
        return dir;
    }

    /// <summary>Bind-mounts <paramref name="source"/> at a new folder; returns the folder.</summary>
    public string Bind(string name, string source)
    {
        string dir = Folder(name);
        Mount("--bind", source, dir);
        return dir;
    }

    /// <summary>Runs a program that must succeed; its output.</summary>
    public static string Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(program + " " + string.Join(" ", arguments) + " did not finish within 60 s");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(program + " " + string.Join(" ", arguments) + " failed (exit " + process.ExitCode + "): " + (output.Result + error.Result).Trim());
        }

        return output.Result;
    }

    public void Dispose()
    {
        var problems = new List<string>();
        for (int i = mounted.Count - 1; i >= 0; i--)
        {
            try
            {
                Run("umount", mounted[i]);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
                try
                {
                    Run("umount", "-l", mounted[i]);
                }
                catch (InvalidOperationException lazy)
                {
                    problems.Add(lazy.Message);
                }
            }
        }

        // Never delete into a filesystem that is still mounted below the folder.
        bool stillMounted = MountInfo.ReadCurrent().Any(m => m.MountPoint == Base || m.MountPoint.StartsWith(Base + "/", StringComparison.Ordinal));
        if (stillMounted)
        {
            problems.Add("something is still mounted below " + Base + "; left in place");
        }
        else if (Directory.Exists(Base))
        {
            Directory.Delete(Base, recursive: true);
        }

        if (problems.Count > 0)
        {
            Console.Error.WriteLine("ScratchMounts cleanup: " + string.Join("; ", problems));
        }
    }

    private void Mount(params string[] arguments)
    {
        Run("mount", arguments);
        mounted.Add(arguments[^1]);
    }

    private static string PackageOf(string tool) => tool switch
    {
        "mkfs.xfs" => "xfsprogs",
        "mkfs.btrfs" or "btrfs" => "btrfs-progs",
        "cc" => "gcc",
        "truncate" => "coreutils",
        _ => "util-linux",
    };
}
