using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Bench;
using MailStorage.ConfigAnalyzer.Rules;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;

/// <summary>
/// <c>ConfigBench --generate DIR MB [FILTER_EVERY]</c> writes the big tree (see <see cref="BigConfig"/>) and prints
/// its main file and total size. <c>ConfigBench --memory read|lint|render FILE</c> does one cold read (and lint or
/// doveconf -n rendering) in-process and prints one line: wall and CPU time, bytes allocated, GC heap still held after a full
/// collection while the result is alive, and the process's peak resident set (VmHWM), each over the tree's size.
/// </summary>
internal static class MemoryBench
{
    private const string LocalExt4 = "dovecot: \"2.3\"\ntopology: single\nmounts:\n  - path: /\n    type: ext4\n";

    public static int Generate(string[] args)
    {
        long bytes = (long)(double.Parse(args[1], CultureInfo.InvariantCulture) * 1024 * 1024);
        int filterEvery = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        string main = BigConfig.Write(args[0], bytes, filterEvery);
        Console.WriteLine(main + " " + TreeSize(args[0]).ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    public static int Measure(string mode, string path)
    {
        if (mode == "print")
        {
            // What doveconf -n prints after its header: the bench compares the two.
            var read = ConfigReader.Read(path);
            Console.Out.Write(read.FatalError?.DoveconfText ?? DoveconfWriter.Render(read));
            return read.FatalError == null ? 0 : 1;
        }

        long size = TreeSize(Path.GetDirectoryName(Path.GetFullPath(path))!);
        GC.Collect();
        long heapBefore = GC.GetTotalMemory(true);
        long allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var config = ConfigReader.Read(path);
        object? extra = null;
        string what = "read";
        if (mode == "lint")
        {
            extra = ConfigLinter.Lint(config, StorageProfile.Parse(new StringReader(LocalExt4), "(local ext4)"));
            what = "read+lint";
        }
        else if (mode == "render")
        {
            extra = DoveconfWriter.Render(config);
            what = "read+render";
        }

        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        long retained = GC.GetTotalMemory(true) - heapBefore;
        GC.KeepAlive(config);
        GC.KeepAlive(extra);
        if (config.FatalError != null)
        {
            Console.Error.WriteLine(config.FatalError.DoveconfText);
            return 1;
        }

        long hwm = PeakResident();
        double mb = 1024.0 * 1024;
        Console.WriteLine(FormattableString.Invariant(
            $"in-process {what,-12} {watch.Elapsed.TotalSeconds,6:F1} s ({cpu.TotalSeconds:F1} s cpu)   peak RSS {hwm / mb,7:F0} MB ({(double)hwm / size,5:F1}x)   allocated {allocated / mb,7:F0} MB ({(double)allocated / size,5:F1}x)   held after GC {retained / mb,6:F0} MB ({(double)retained / size,4:F1}x)"));
        return 0;
    }

    /// <summary>Bytes of every file under the tree's folder (what the reader reads).</summary>
    private static long TreeSize(string dir) =>
        Directory.EnumerateFiles(dir, "*.conf", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    // VmHWM: the resident set's high-water mark, in kB.
    private static long PeakResident()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Substring(6).Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
