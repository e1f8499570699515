using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

/// <summary>What both benchmarks share: the doveconf -n anchor and percentiles.</summary>
internal static class Timing
{
    /// <summary>Wall-clock milliseconds of <paramref name="runs"/> <c>doveconf -c path -n</c> processes.</summary>
    public static List<double> DoveconfRuns(string path, int runs)
    {
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var psi = new ProcessStartInfo("doveconf") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(path);
            psi.ArgumentList.Add("-n");
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(psi)!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            watch.Stop();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("doveconf -n failed on " + path);
            }

            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    public static double Median(List<double> values) => Percentile(values, 0.5);

    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
