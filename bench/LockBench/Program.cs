using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Locking;

// LockBench <dir> <lockloop binary> [pairs]
// Lock+unlock pairs per second of the engine (warm, a tight loop through the public API: FileLocks.TryLock + Release)
// against the C loop (lockloop bench) on the same folder, per method; then the release-to-acquire latency: how long
// after a holder releases does a waiter blocked in FileLocks.Lock get the lock (holder a thread of this process, or a
// C process), next to a C waiter blocked in F_SETLKW / flock.
// LockBench fairness <dir> <lockloop binary> [acquisitions] [writers]: see Fairness.cs (bench/lock-fairness.sh).
if (args.Length > 0 && args[0] == "fairness")
{
    return Fairness.Run(args[1..]);
}

string dir = args.Length > 0 ? args[0] : "/tmp";
string lockloop = args.Length > 1 ? args[1] : throw new ArgumentException("usage: LockBench <dir> <lockloop binary> [pairs]");
int pairs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400_000;

var c = RunC(lockloop, "bench", dir, pairs.ToString(CultureInfo.InvariantCulture))
    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
    .Select(l => l.Split(' '))
    .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));

string file = Path.Combine(dir, "ours-bench");
File.WriteAllText(file, string.Empty);
Console.WriteLine(FormattableString.Invariant($"folder: {dir}   ({pairs} pairs; dotlock {pairs / 4} cycles)"));
Console.WriteLine("method                           ours/s        C/s   ratio   (C: the same calls; classic F_SETLK: "
    + FormattableString.Invariant($"{c["fcntl"]:0}/s, with the check {c["fcntl_check"]:0}/s)"));
foreach (var (label, options, cKey, n) in new (string, LockOptions, string, int)[]
{
    ("fcntl (OFD, checks replacement)", new LockOptions { Method = LockMethod.Fcntl }, "ofd_check", pairs),
    ("fcntl (OFD, CheckReplaced=false)", new LockOptions { Method = LockMethod.Fcntl, CheckReplaced = false }, "ofd", pairs),
    ("flock (checks replacement)", new LockOptions { Method = LockMethod.Flock }, "flock_check", pairs),
    ("flock (CheckReplaced=false)", new LockOptions { Method = LockMethod.Flock, CheckReplaced = false }, "flock", pairs),
    ("dotlock (O_EXCL, full cycle)", new LockOptions { Method = LockMethod.Dotlock }, "dotlock", pairs / 4),
})
{
    Warm(file, options, n / 4);
    double ours = Pairs(file, options, n);
    Console.WriteLine(FormattableString.Invariant($"{label,-32} {ours,9:0} {c[cKey],10:0}   {ours / c[cKey]:0.00}"));
}

{
    long warmStart = Stopwatch.GetTimestamp();
    do
    {
        Raw.Pairs(file, pairs / 4, false);
        Raw.Pairs(file, pairs / 4, true);
    }
    while (Stopwatch.GetElapsedTime(warmStart) < TimeSpan.FromMilliseconds(500));
    double rawOfd = Raw.Pairs(file, pairs, false);
    double rawCheck = Raw.Pairs(file, pairs, true);
    Console.WriteLine(FormattableString.Invariant($"{"raw P/Invoke OFD pairs (ceiling)",-32} {rawOfd,9:0} {c["ofd"],10:0}   {rawOfd / c["ofd"]:0.00}"));
    Console.WriteLine(FormattableString.Invariant($"{"raw P/Invoke OFD + stat",-32} {rawCheck,9:0} {c["ofd_check"],10:0}   {rawCheck / c["ofd_check"]:0.00}"));
}

long allocated = GC.GetAllocatedBytesForCurrentThread();
Pairs(file, new LockOptions { CheckReplaced = false }, 10_000);
Console.WriteLine(FormattableString.Invariant($"allocated per fcntl pair: {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 10_000.0:0} bytes"));

Console.WriteLine();
Console.WriteLine("release -> acquire (median of 25, holder holds 20 ms)   waiter: ours, holder thread | ours, holder C process | C F_SETLKW/flock waiter");
foreach (var method in new[] { LockMethod.Fcntl, LockMethod.Flock, LockMethod.Dotlock })
{
    var options = new LockOptions { Method = method };
    string name = method.ToString().ToLowerInvariant();
    double thread = Median(Enumerable.Range(0, 25).Select(_ => ThreadLatency(file, options)));
    double process = Median(Enumerable.Range(0, 25).Select(_ => ProcessLatency(lockloop, name, file, options)));
    string cWaiter = method == LockMethod.Dotlock ? "-" : FormattableString.Invariant($"{Median(Enumerable.Range(0, 25).Select(_ => CLatency(lockloop, name, file))),9:0} us");
    Console.WriteLine(FormattableString.Invariant($"{name,-8} {thread,12:0} us {process,12:0} us {cWaiter,14}"));
}

File.Delete(file);
return 0;

// Warm means optimized: tiered compilation recompiles hot methods only after they ran ~100 ms with no new method
// compiled meanwhile, so a warm-up of a fixed count (n/4 pairs, ~40 ms at 200000) left part of the measured loop running
// unoptimized code; the C loop is compiled with -O2 before it starts.
static void Warm(string file, LockOptions options, int n)
{
    long start = Stopwatch.GetTimestamp();
    do
    {
        Pairs(file, options, n);
    }
    while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(500));
}

static double Pairs(string file, LockOptions options, int n)
{
    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < n; i++)
    {
        var attempt = FileLocks.TryLock(file, options);
        if (attempt.Lock is not { } held)
        {
            throw new InvalidOperationException("not acquired: " + attempt.Describe("bench file"));
        }

        held.Release();
    }

    return n / Stopwatch.GetElapsedTime(start).TotalSeconds;
}

// A holder thread of this process releases; the waiter (this thread) is blocked in Lock.
static double ThreadLatency(string file, LockOptions options)
{
    var held = FileLocks.TryLock(file, options).Lock!;
    long releasedAt = 0;
    var holder = new Thread(() =>
    {
        Thread.Sleep(20);
        releasedAt = Stopwatch.GetTimestamp();
        held.Release();
    });
    holder.Start();
    var attempt = FileLocks.Lock(file, options, TimeSpan.FromSeconds(10), CancellationToken.None);
    long gotAt = Stopwatch.GetTimestamp();
    holder.Join();
    attempt.Lock!.Release();
    return Stopwatch.GetElapsedTime(releasedAt, gotAt).TotalMicroseconds;
}

// A C process holds the lock (classic fcntl, flock, or an O_EXCL dotlock) and releases it after 20 ms.
static double ProcessLatency(string lockloop, string method, string file, LockOptions options)
{
    using var holder = Start(lockloop, "hold", method, file, "20");
    Expect(holder, "locked");
    var attempt = FileLocks.Lock(file, options, TimeSpan.FromSeconds(10), CancellationToken.None);
    long gotAt = Stopwatch.GetTimestamp();
    long releasedAt = long.Parse(Expect(holder, "released").Split(' ')[1], CultureInfo.InvariantCulture);
    holder.WaitForExit();
    attempt.Lock!.Release();
    return (gotAt - releasedAt) * 1_000_000.0 / Stopwatch.Frequency;
}

// Both C: a waiter blocked in F_SETLKW or flock(LOCK_EX), the holder releasing after 20 ms.
static double CLatency(string lockloop, string method, string file)
{
    using var holder = Start(lockloop, "hold", method, file, "20");
    Expect(holder, "locked");
    using var waiter = Start(lockloop, "wait", method, file);
    Expect(waiter, "waiting");
    long releasedAt = long.Parse(Expect(holder, "released").Split(' ')[1], CultureInfo.InvariantCulture);
    long gotAt = long.Parse(Expect(waiter, "acquired").Split(' ')[1], CultureInfo.InvariantCulture);
    holder.WaitForExit();
    waiter.WaitForExit();
    return (gotAt - releasedAt) / 1000.0;
}

static Process Start(string program, params string[] arguments)
{
    var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (string argument in arguments)
    {
        info.ArgumentList.Add(argument);
    }

    return Process.Start(info) ?? throw new InvalidOperationException(program + " did not start");
}

static string Expect(Process process, string prefix)
{
    string line = process.StandardOutput.ReadLine() ?? string.Empty;
    return line.StartsWith(prefix, StringComparison.Ordinal) ? line : throw new InvalidOperationException("expected " + prefix + ", got: " + line);
}

static string RunC(string program, params string[] arguments)
{
    using var process = Start(program, arguments);
    string text = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return process.ExitCode == 0 ? text : throw new InvalidOperationException(program + " failed");
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[sorted.Count / 2];
}
