using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Tests.Oracle;

/// <summary>Runs the real doveconf, the oracle these tests compare against.</summary>
internal static class Doveconf
{
    public const string Binary = "/usr/bin/doveconf";

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                "doveconf is not installed; these tests compare against the real Dovecot. Run ./test.sh (it installs dovecot-core) or apt-get install dovecot-core.");
        }

        // Pigeonhole's managesieve-login settings plugin makes doveconf run the managesieve binary to compute
        // managesieve_sieve_capability and managesieve_notify_capability. That child reads the config again and
        // prints its warnings and errors a second time (before doveconf's own fatal error, when it fails), and its
        // answer shows up in -n although nothing set it. With DUMP_CAPABILITY set the plugin does not run it (its
        // own guard against recursion): doveconf then reads the tree exactly as it does without Pigeonhole. Only -a
        // still needs the child to list managesieve_notify_capability at all; there the computed values are shown as
        // the empty default they have in the schema (README: "What doveconf prints that we leave out").
        bool all = args.Contains("-a");
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (!all)
        {
            env["DUMP_CAPABILITY"] = "1";
        }

        Result result = RunProgram(Binary, workingDirectory, env, TimeSpan.FromSeconds(60), args);
        return all ? result with { Stdout = WithoutComputedCapabilities(result.Stdout) } : result;
    }

    /// <summary>A doveconf -a text with the values the installed managesieve computed shown as their empty default.</summary>
    private static string WithoutComputedCapabilities(string output) =>
        string.Join('\n', output.Split('\n').Select(line =>
            line.StartsWith("managesieve_sieve_capability = ", StringComparison.Ordinal) ? "managesieve_sieve_capability = "
            : line.StartsWith("managesieve_notify_capability = ", StringComparison.Ordinal) ? "managesieve_notify_capability = "
            : line));

    /// <summary>Runs a program to its end (bounded by <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static Result RunProgram(string program, string workingDirectory, IDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (environment != null)
        {
            foreach (var kv in environment)
            {
                psi.Environment[kv.Key] = kv.Value;
            }
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(true);
            throw new TimeoutException(program + " " + string.Join(" ", args) + " did not finish in " + timeout);
        }

        return new Result(p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>doveconf -n output without its comment header.</summary>
    public static string StripHeader(string output) =>
        string.Join("\n", output.Split('\n').Where(l => !l.StartsWith("# ", StringComparison.Ordinal))).Trim('\n');

    /// <summary>
    /// The settings of a doveconf -n text as "section path | key = value" lines, sorted: the same sections,
    /// keys and values, in any order within a block.
    /// </summary>
    public static List<string> Structure(string text)
    {
        var stack = new List<string>();
        var lines = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("# ", StringComparison.Ordinal))
            {
                continue;
            }

            if (line == "}")
            {
                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            if (line.EndsWith(" {", StringComparison.Ordinal) && !line.Contains(" = ", StringComparison.Ordinal))
            {
                stack.Add(line.Substring(0, line.Length - 2));
                lines.Add(string.Join(" > ", stack) + " {");
                continue;
            }

            lines.Add(string.Join(" > ", stack) + " | " + line);
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>Environment variables a corpus config asks for in a first-line comment "# env: NAME=value ...".</summary>
    public static Dictionary<string, string> EnvironmentFor(string configPath)
    {
        var env = new Dictionary<string, string>();
        var first = File.ReadLines(configPath).FirstOrDefault() ?? string.Empty;
        const string marker = "# env:";
        if (first.StartsWith(marker, StringComparison.Ordinal))
        {
            foreach (var pair in first.Substring(marker.Length).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    env[pair.Substring(0, eq)] = pair.Substring(eq + 1);
                }
            }
        }

        return env;
    }
}
