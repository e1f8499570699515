using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using MailStorage.Core.Locking;

// LockTorture <fcntl|flock|dotlock> <counter file> <cycles> [excl|link]
//   Each cycle: lock the counter file by the method, read the decimal counter, add one, write it back, unlock.
//   Prints "done <cycles> <ms>" and exits 0; any failure (a timeout included) exits 1.
// LockTorture hold <fcntl|flock|dotlock> <file>
//   Takes the lock, prints "held <pid>" and sleeps until killed (the SIGKILL test's holder).
if (args.Length >= 3 && args[0] == "hold")
{
    var holdAttempt = FileLocks.Lock(args[2], Options(args[1], "excl"), TimeSpan.FromSeconds(30), CancellationToken.None);
    if (holdAttempt.Outcome != LockOutcome.Acquired)
    {
        Console.Error.WriteLine(holdAttempt.Describe("file"));
        return 1;
    }

    Console.WriteLine("held " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    Console.Out.Flush();
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: LockTorture <fcntl|flock|dotlock> <counter file> <cycles> [excl|link] | LockTorture hold <method> <file>");
    return 2;
}

string file = args[1];
int cycles = int.Parse(args[2], CultureInfo.InvariantCulture);
var options = Options(args[0], args.Length > 3 ? args[3] : "excl");
var buffer = new byte[32];
var watch = Stopwatch.StartNew();
for (int i = 0; i < cycles; i++)
{
    var attempt = FileLocks.Lock(file, options, TimeSpan.FromSeconds(60), CancellationToken.None);
    if (attempt.Outcome != LockOutcome.Acquired)
    {
        Console.Error.WriteLine("cycle " + i + ": " + attempt.Describe("counter file"));
        return 1;
    }

    using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
    {
        int n = RandomAccess.Read(handle, buffer, 0);
        long value = long.Parse(Encoding.ASCII.GetString(buffer, 0, n).Trim(), CultureInfo.InvariantCulture);
        byte[] text = Encoding.ASCII.GetBytes((value + 1).ToString(CultureInfo.InvariantCulture).PadRight(20));
        RandomAccess.Write(handle, text, 0);
    }

    if (!attempt.Lock!.Release())
    {
        Console.Error.WriteLine("cycle " + i + ": the lock was lost");
        return 1;
    }
}

Console.WriteLine("done " + cycles.ToString(CultureInfo.InvariantCulture) + " " + watch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture));
return 0;

static LockOptions Options(string method, string create) => new()
{
    Method = MailboxLockOptions.ParseMethod(method),
    DotlockUseExcl = create != "link",
};
