using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// Dovecot's two dotlock primitives raced by two processes (one through Path, one through PeerPath when given):
/// O_CREAT|O_EXCL (dotlock_use_excl=yes) and link() with an st_nlink check (dotlock_use_excl=no). Each round names a
/// new lock file; a safe primitive gives every round exactly one winner.
/// </summary>
internal static class RaceProbes
{
    private const string Setting = "dotlock_use_excl";

    // One racer: waits for "go" on stdin (so both start together), then tries every round in order and prints
    // "w <round>" for a round it won and "l <round>" for one it lost. In dash, "set -C" makes ">" create with O_EXCL; "ln" is link(2); a link that
    // failed but left the temp file with two links did succeed (a lost reply on NFS), as Dovecot checks.
    private const string Racer = """
        dir=$1 rounds=$2 mode=$3 me=$4
        set -C
        read go || exit 3
        i=0
        while [ "$i" -lt "$rounds" ]; do
          i=$((i + 1))
          if [ "$mode" = excl ]; then
            if true 2>/dev/null >"$dir/excl.$i"; then echo "w $i"; else echo "l $i"; fi
          else
            t="$dir/link-tmp.$me.$i"
            true >"$t" || exit 4
            if ln "$t" "$dir/link.$i" 2>/dev/null; then echo "w $i"
            elif [ "$(stat -c %h "$t")" = 2 ]; then echo "w $i"
            else echo "l $i"
            fi
          fi
        done
        echo done
        """;

    /// <summary>The O_EXCL race.</summary>
    public static ProbeResult ExclusiveCreate(ProbeContext context) => Race(context, ProbeNames.ExclusiveCreateRace, "excl", 200,
        "open(O_CREAT|O_EXCL)");

    /// <summary>The link() + st_nlink race.</summary>
    public static ProbeResult LinkDotlock(ProbeContext context) => Race(context, ProbeNames.LinkDotlockRace, "link", 50,
        "link() of a temp file plus the st_nlink check");

    private static ProbeResult Race(ProbeContext context, string name, string mode, int rounds, string what)
    {
        string dirA = context.Local(mode + "-race");
        string dirB = context.Peer(mode + "-race");
        System.IO.Directory.CreateDirectory(dirA);
        if (context.HasPeer && !context.PollUntil(() => System.IO.Directory.Exists(dirB)))
        {
            return new ProbeResult(name, ProbeOutcome.Skipped, Setting, "Not tested: the race folder created through Path did not appear through PeerPath.");
        }

        var watch = Stopwatch.StartNew();
        Process? a = null;
        Process? b = null;
        try
        {
            a = Start(dirA, rounds, mode, "a");
            b = Start(dirB, rounds, mode, "b");
            Task<string> outA = a.StandardOutput.ReadToEndAsync();
            Task<string> outB = b.StandardOutput.ReadToEndAsync();
            a.StandardInput.WriteLine("go");
            b.StandardInput.WriteLine("go");
            a.StandardInput.Close();
            b.StandardInput.Close();

            bool finished = context.PollUntil(() => a.HasExited && b.HasExited, 5);
            if (!finished)
            {
                Kill(a);
                Kill(b);
            }

            a.WaitForExit();
            b.WaitForExit();
            var winsA = Rounds(outA.Result, out int lastA);
            var winsB = Rounds(outB.Result, out int lastB);
            int completed = Math.Min(lastA, lastB);
            int both = 0;
            int none = 0;
            for (int i = 1; i <= completed; i++)
            {
                bool wa = winsA.Contains(i);
                bool wb = winsB.Contains(i);
                both += wa && wb ? 1 : 0;
                none += !wa && !wb ? 1 : 0;
            }

            var figures = ProbeContext.Figures();
            figures["rounds"] = completed;
            figures["rounds with two winners"] = both;
            figures["rounds with no winner"] = none;
            figures["race took ms"] = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
            string where = context.HasPeer ? "one process through Path, one through PeerPath" : "two processes through Path";
            if (completed == 0)
            {
                return new ProbeResult(name, ProbeOutcome.Skipped, Setting,
                    "Not tested: the racing processes (" + where + ") finished no round within " + ProbeContext.Ms(context.Timeout.TotalMilliseconds) + " (exit codes " + Exit(a) + ", " + Exit(b) + ").", figures);
            }

            string counts = completed + " rounds of " + what + " (" + where + "): " + (completed - both - none) + " with exactly one winner, " + both + " with two, " + none + " with none";
            if (both > 0 || none > 0)
            {
                return new ProbeResult(name, ProbeOutcome.Unsupported, Setting, counts + ". This primitive does not exclude another process here.", figures);
            }

            return new ProbeResult(name, ProbeOutcome.Supported, Setting, counts + (completed == rounds ? "." : " (stopped at the time limit)."), figures);
        }
        finally
        {
            Kill(a);
            Kill(b);
            a?.Dispose();
            b?.Dispose();
        }
    }

    private static Process Start(string dir, int rounds, string mode, string me)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Racer);
        info.ArgumentList.Add("racer");
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add(rounds.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(mode);
        info.ArgumentList.Add(me);
        var process = Process.Start(info) ?? throw new InvalidOperationException("/bin/sh did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    // The rounds a racer won, and the last round it finished.
    private static HashSet<int> Rounds(string output, out int last)
    {
        var wins = new HashSet<int>();
        last = 0;
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.Length > 2 && (line[0] == 'w' || line[0] == 'l') && int.TryParse(line.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int round))
            {
                last = Math.Max(last, round);
                if (line[0] == 'w')
                {
                    wins.Add(round);
                }
            }
        }

        return wins;
    }

    private static string Exit(Process process) => process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "running";

    private static void Kill(Process? process)
    {
        if (process == null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Already gone.
        }
    }
}
