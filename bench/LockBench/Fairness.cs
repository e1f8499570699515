using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Locking;

/// <summary>
/// LockBench fairness &lt;dir&gt; &lt;lockloop binary&gt; [acquisitions] [writers] (bench/lock-fairness.sh): how long a wait for
/// dovecot.index.log takes among Dovecot-like writers (C processes: blocking classic fcntl or flock, hold 5 ms, release,
/// pause 1 ms), ours (FileLocks.Lock) next to a C waiter blocked in F_SETLKW / flock doing the same, per method. The
/// goal (issue 15): our median at most 3x the C waiter's + 20 ms, our maximum under 500 ms.
/// </summary>
internal static class Fairness
{
    public static int Run(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : "/tmp";
        string lockloop = args.Length > 1 ? args[1] : throw new ArgumentException("usage: LockBench fairness <dir> <lockloop binary> [acquisitions] [writers]");
        int acquisitions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        int writers = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        string file = Path.Combine(dir, "dovecot.index.log");
        File.WriteAllText(file, string.Empty);
        Console.WriteLine(FormattableString.Invariant($"folder: {dir}   {writers} writers (hold 5 ms, pause 1 ms), {acquisitions} acquisitions per waiter"));
        Console.WriteLine("method   ours median / max      C median / max     median ratio   goal (median <= 3x C + 20 ms, max < 500 ms)");
        bool allMet = true;
        foreach (var method in new[] { LockMethod.Fcntl, LockMethod.Flock })
        {
            string name = method.ToString().ToLowerInvariant();
            var started = new List<Process>();
            try
            {
                for (int i = 0; i < writers; i++)
                {
                    var writer = Start(lockloop, "writer", name, file);
                    started.Add(writer);
                    if (writer.StandardOutput.ReadLine() != "ready")
                    {
                        throw new InvalidOperationException("a writer did not start");
                    }
                }

                var options = new LockOptions { Method = method };
                Ours(file, options, 3); // warm-up
                var ours = Ours(file, options, acquisitions);
                var c = C(lockloop, name, file, acquisitions);
                double oursMedian = Median(ours), cMedian = Median(c);
                bool met = oursMedian <= 3 * cMedian + 20 && ours.Max() < 500;
                allMet &= met;
                Console.WriteLine(FormattableString.Invariant(
                    $"{name,-8} {oursMedian,7:0.0} / {ours.Max(),6:0.0} ms {cMedian,7:0.0} / {c.Max(),6:0.0} ms {oursMedian / cMedian,10:0.00}      {(met ? "met" : "NOT MET")}"));
            }
            finally
            {
                foreach (var writer in started)
                {
                    writer.Kill();
                    writer.WaitForExit();
                    writer.Dispose();
                }
            }
        }

        File.Delete(file);
        return allMet ? 0 : 1;
    }

    // Our waiter: what a repair does, FileLocks.Lock with a generous timeout, then it holds and pauses like a writer.
    private static List<double> Ours(string file, LockOptions options, int n)
    {
        var waits = new List<double>();
        for (int i = 0; i < n; i++)
        {
            var attempt = FileLocks.Lock(file, options, TimeSpan.FromSeconds(60), CancellationToken.None);
            waits.Add(attempt.Waited.TotalMilliseconds);
            Thread.Sleep(5);
            attempt.Lock!.Release();
            Thread.Sleep(1);
        }

        return waits;
    }

    private static List<double> C(string lockloop, string method, string file, int n)
    {
        using var process = Start(lockloop, "contend", method, file, n.ToString(CultureInfo.InvariantCulture));
        var waits = new List<double>();
        for (int i = 0; i < n; i++)
        {
            waits.Add(double.Parse(process.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture) / 1000.0);
        }

        process.WaitForExit();
        return waits;
    }

    private static Process Start(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException(program + " did not start");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
