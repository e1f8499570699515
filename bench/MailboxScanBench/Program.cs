using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Mailboxes;

// MailboxScanBench <mail root> <runs>: the median time to read every mailbox of a Maildir++ root two ways.
//  scan: what Get-MailIndex does for each mailbox (MailboxState.Load, dovecot.index's header, counts, index files).
//  state: MailboxState.Load alone for each mailbox; map: IndexMap.Load (the extension-aware replay) for each.
//  list: one read of dovecot.list.index (+ logs), with the STATUS values Dovecot cached for every folder.
string root = args[0];
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
var mailboxes = MailboxLocator.List(root);
long checksum = 0;
for (int warm = 0; warm < 2; warm++)
{
    checksum += Scan() + List();
}

double scan = Median(Scan);
double stateOnly = Median(() => mailboxes.Sum(m => (long)MailboxState.Load(m.IndexDirectory).MessagesCount));
double map = Median(() => mailboxes.Sum(m => (long)IndexMap.Load(m.IndexDirectory).MessagesCount));
double list = Median(List);
var index = MailboxListIndex.Read(root, '/');
int cached = index.Mailboxes.Count(m => m.Status != null);
int problems = mailboxes.Sum(m => MailboxState.Load(m.IndexDirectory).Problems.Count);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"mailboxes={mailboxes.Count} problems={problems} scan_median_ms={scan:F1} scan_mailboxes_per_s={mailboxes.Count / (scan / 1000):F0} state_median_ms={stateOnly:F1} map_median_ms={map:F1} list_median_ms={list:F2} list_cached={cached} list_problems={index.Problems.Count} checksum={checksum}"));

double Median(Func<long> work)
{
    var times = new double[runs];
    for (int i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        checksum += work();
        times[i] = sw.Elapsed.TotalMilliseconds;
    }

    Array.Sort(times);
    return times[runs / 2];
}

long Scan()
{
    long sum = 0;
    foreach (var mailbox in mailboxes)
    {
        var state = MailboxState.Load(mailbox.IndexDirectory);
        sum += state.UidValidity + state.NextUid + state.MessagesCount + state.Problems.Count;
        sum += state.Messages.Count(m => (m.Flags & MailIndexFlags.Seen) != 0) + state.Messages.Count(m => (m.Flags & MailIndexFlags.Deleted) != 0);
        string indexPath = Path.Combine(mailbox.IndexDirectory, "dovecot.index");
        if (File.Exists(indexPath))
        {
            sum += IndexFile.Read(indexPath).Header.LogFileHeadOffset;
        }

        foreach (var file in new DirectoryInfo(mailbox.IndexDirectory).EnumerateFiles("dovecot.index*"))
        {
            sum += file.Length;
        }
    }

    return sum;
}

long List()
{
    var read = MailboxListIndex.Read(root, '/');
    long sum = 0;
    foreach (var entry in read.Mailboxes)
    {
        sum += entry.UidValidity + (entry.Status is { } s ? s.Messages + s.Unseen + s.UidNext : 0);
    }

    return sum;
}
