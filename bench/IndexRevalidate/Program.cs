using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Caching;
using MailStorage.Core.Index;

// IndexRevalidate <maildir> <dovecot.conf> <home> <rounds> <messages appended per round>...
// (The views and caches are never disposed: they live as long as the process.)
// For each count: <rounds> times, deliver that many messages into new/ and let doveadm sync them (Dovecot appends to
// dovecot.index.log), then time, on the page-cache-warm file:
//   revalidate  the Buffered view of dovecot.index.log held since the start: stat + read of the new bytes only
//   reread      a new Buffered view of the same file: the whole file
//   load        MailboxState.Load through a cache held since the start (Buffered): revalidate all three files,
//               parse the new log records, apply them to the previous state
//   load-full   MailboxState.Load from the files: read, parse and replay everything
// and print the medians, the bytes each read, and the ratios. Each is measured on Samples views (caches) warmed
// before the append, so one append gives Samples timings of each.
const int Samples = 5;
var inv = CultureInfo.InvariantCulture;
string maildir = args[0], config = args[1], home = args[2];
int rounds = int.Parse(args[3], inv);
int[] counts = args.Skip(4).Select(a => int.Parse(a, inv)).ToArray();
string logPath = Path.Combine(maildir, "dovecot.index.log");
string indexPath = Path.Combine(maildir, "dovecot.index");

var logViews = Enumerable.Range(0, Samples).Select(_ => new IndexFileView(logPath, IndexCacheMode.Buffered)).ToArray();
var loadCaches = Enumerable.Range(0, Samples).Select(_ => new IndexCache()).ToArray();
foreach (var view in logViews)
{
    view.GetBytes();
}

foreach (var cache in loadCaches)
{
    MailboxState.Load(maildir, cache, IndexCacheMode.Buffered);
}

int delivered = 0;
Round(1); // warm-up: JIT of every path, not counted

Console.WriteLine(string.Create(inv, $"log {new FileInfo(logPath).Length} bytes, dovecot.index {(File.Exists(indexPath) ? new FileInfo(indexPath).Length : 0)} bytes, {MailboxState.Load(maildir).MessagesCount} messages"));
Console.WriteLine("appended  msgs | revalidate: bytes      us | reread: bytes       us | ratio bytes  time | load: bytes      us | load-full:      us | ratio time | continued index-rewritten");
foreach (int count in counts)
{
    var results = Enumerable.Range(0, rounds).Select(_ => Round(count)).ToList();
    Result m = Median(results);
    Console.WriteLine(string.Create(inv,
        $"{m.Appended,8} {count,5} | {m.RevalidateBytes,17} {m.RevalidateUs,7:F1} | {m.RereadBytes,13} {m.RereadUs,8:F1} | {(double)m.RereadBytes / m.RevalidateBytes,11:F0}x {m.RereadUs / m.RevalidateUs,4:F1}x | " +
        $"{m.LoadBytes,11} {m.LoadUs,7:F1} | {m.LoadFullUs,15:F1} | {m.LoadFullUs / m.LoadUs,9:F1}x | {results.Count(r => r.Continued),5}/{rounds} {results.Count(r => r.IndexRewritten),5}/{rounds}"));
    foreach (Result r in results)
    {
        if (r.RevalidateBytes != r.Appended)
        {
            Console.WriteLine(string.Create(inv, $"  NOT PROPORTIONAL: {r.Appended} bytes appended, {r.RevalidateBytes} read"));
        }
    }
}

// The fixed part: the same calls when nothing changed (stat only; the previous state handed out again).
double idleRevalidate = MedianOf(101, () => logViews[0].GetBytes());
double idleLoad = MedianOf(101, () => MailboxState.Load(maildir, loadCaches[0], IndexCacheMode.Buffered));
Console.WriteLine(string.Create(inv, $"nothing appended (median of 101): revalidate {idleRevalidate:F1} us, load {idleLoad:F1} us"));

double MedianOf(int n, Action action)
{
    var times = new double[n];
    for (int i = 0; i < n; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        times[i] = watch.Elapsed.TotalMicroseconds;
    }

    Array.Sort(times);
    return times[n / 2];
}

Result Round(int count)
{
    long before = new FileInfo(logPath).Length;
    ulong indexInode = File.Exists(indexPath) ? Inode(indexPath) : 0;
    for (int i = 0; i < count; i++)
    {
        delivered++;
        File.WriteAllText(Path.Combine(maildir, "new", string.Create(inv, $"1700000000.M{delivered}P2.revalidate,S=14")), "Subject: r\n\nx\n");
    }

    Doveadm("mailbox", "status", "messages", "INBOX");
    long appended = new FileInfo(logPath).Length - before;
    bool rewritten = File.Exists(indexPath) && Inode(indexPath) != indexInode;

    GC.Collect();
    var watch = new Stopwatch();
    var revalidate = new List<(double Us, long Bytes, int Length)>();
    foreach (var view in logViews)
    {
        long read0 = view.BytesRead;
        watch.Restart();
        int length = view.GetBytes().Length;
        revalidate.Add((watch.Elapsed.TotalMicroseconds, view.BytesRead - read0, length));
    }

    var reread = new List<(double Us, long Bytes, int Length)>();
    for (int i = 0; i < Samples; i++)
    {
        using var fresh = new IndexFileView(logPath, IndexCacheMode.Buffered);
        watch.Restart();
        int length = fresh.GetBytes().Length;
        reread.Add((watch.Elapsed.TotalMicroseconds, fresh.BytesRead, length));
    }

    if (revalidate.Concat(reread).Any(r => r.Length != reread[0].Length))
    {
        throw new InvalidOperationException("a revalidated view and the file disagree on the length");
    }

    var loads = new List<(double Us, long Bytes, MailboxState State)>();
    foreach (var cache in loadCaches)
    {
        long load0 = cache.Statistics.BytesRead;
        watch.Restart();
        MailboxState state = MailboxState.Load(maildir, cache, IndexCacheMode.Buffered);
        loads.Add((watch.Elapsed.TotalMicroseconds, cache.Statistics.BytesRead - load0, state));
    }

    var fullLoads = new List<double>();
    MailboxState full = MailboxState.Load(maildir);
    for (int i = 0; i < Samples; i++)
    {
        watch.Restart();
        full = MailboxState.Load(maildir);
        fullLoads.Add(watch.Elapsed.TotalMicroseconds);
    }

    if (loads.Any(l => l.State.MessagesCount != full.MessagesCount || l.State.NextUid != full.NextUid || l.State.Problems.Count != full.Problems.Count))
    {
        throw new InvalidOperationException("a cached load differs from the full one");
    }

    static double Mid(IEnumerable<double> values) => values.Order().ElementAt(Samples / 2);
    long revalidateBytes = revalidate.Select(r => r.Bytes).Max();
    long loadBytes = loads.Select(l => l.Bytes).Max();
    return new Result(appended, revalidateBytes, Mid(revalidate.Select(r => r.Us)), reread[0].Bytes, Mid(reread.Select(r => r.Us)), loadBytes,
        Mid(loads.Select(l => l.Us)), Mid(fullLoads), loads.All(l => l.State.ContinuedFrom != null), rewritten);
}

void Doveadm(params string[] arguments)
{
    var info = new ProcessStartInfo("/usr/bin/doveadm") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    info.ArgumentList.Add("-c");
    info.ArgumentList.Add(config);
    foreach (string a in arguments)
    {
        info.ArgumentList.Add(a);
    }

    info.Environment["USER"] = "nobody";
    info.Environment["HOME"] = home;
    using var process = Process.Start(info) ?? throw new InvalidOperationException("doveadm did not start");
    string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("doveadm " + string.Join(' ', arguments) + ": " + output);
    }
}

// Dovecot writes a new dovecot.index as a temp file renamed over the old one: a new inode.
static ulong Inode(string path)
{
    using var view = new IndexFileView(path, IndexCacheMode.Mmap);
    view.GetBytes();
    return view.Identity.Inode;
}

static Result Median(List<Result> results)
{
    double Mid(Func<Result, double> f) => results.Select(f).Order().ElementAt(results.Count / 2);
    return new Result((long)Mid(r => r.Appended), (long)Mid(r => r.RevalidateBytes), Mid(r => r.RevalidateUs), (long)Mid(r => r.RereadBytes), Mid(r => r.RereadUs),
        (long)Mid(r => r.LoadBytes), Mid(r => r.LoadUs), Mid(r => r.LoadFullUs), false, false);
}

internal sealed record Result(long Appended, long RevalidateBytes, double RevalidateUs, long RereadBytes, double RereadUs, long LoadBytes, double LoadUs, double LoadFullUs, bool Continued, bool IndexRewritten);
