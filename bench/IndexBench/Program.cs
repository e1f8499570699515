using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using MailStorage.Core.Index;

// IndexBench <index dir> <runs>: median ms of MailboxState.Load + enumerating every message (uid, flags, keywords).
string dir = args[0];
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
long checksum = 0;
var times = new double[runs];
for (int warm = 0; warm < 3; warm++)
{
    checksum += Run(dir);
}

for (int i = 0; i < runs; i++)
{
    var sw = Stopwatch.StartNew();
    checksum += Run(dir);
    times[i] = sw.Elapsed.TotalMilliseconds;
}

Array.Sort(times);
var state = MailboxState.Load(dir);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"messages={state.MessagesCount} problems={state.Problems.Count} median_ms={times[runs / 2]:F2} min_ms={times[0]:F2} checksum={checksum}"));

static long Run(string dir)
{
    var state = MailboxState.Load(dir);
    long sum = 0;
    foreach (var m in state.Messages)
    {
        sum += m.Uid + (int)m.Flags + m.Keywords.Count;
    }

    return sum;
}
