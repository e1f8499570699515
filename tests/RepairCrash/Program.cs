using System;
using System.Globalization;
using System.Threading;
using MailStorage.Core.Index;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Repair;

// RepairCrash <maildir> <quarantine root | ->
//   ("-": the default quarantine, Quarantine.DefaultRoot.) Prints "ready", waits for a line on stdin, then under the mailbox lock (fcntl on dovecot.index.log and the
//   dovecot-uidlist.lock dotlock) runs every repair primitive on the Maildir's INBOX: cut the log, fix the index
//   header, move the cache to the quarantine, rebuild the uidlist. Prints "step <file> <Changed|None> <ms since go>"
//   after each and "done" at the end; exits 0, or 1 with the error on stderr. The crash test SIGKILLs it at random
//   moments.
// RepairCrash <maildir> <quarantine root | -> --repairer
//   The same, through MailboxRepairer (what Repair-MailIndex runs): lock, verify, plan, the planned primitives, verify
//   again; a "step" line after each applied action.
if (args.Length is not (2 or 3) || (args.Length == 3 && args[2] != "--repairer"))
{
    Console.Error.WriteLine("usage: RepairCrash <maildir> <quarantine root> [--repairer]");
    return 2;
}

string maildir = args[0];
Console.WriteLine("ready " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
Console.Out.Flush();
if (Console.ReadLine() == null)
{
    return 2;
}

var clock = System.Diagnostics.Stopwatch.StartNew();
try
{
    var location = new MailboxLocation("INBOX", maildir, maildir, maildir, "maildir");
    if (args.Length == 3)
    {
        MailboxRepairer.Repair(location, new MailboxRepairOptions
        {
            Lock = new MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) },
            QuarantineRoot = args[1] == "-" ? null : args[1],
            OnApplied = result => Step(result, clock),
        });
        Console.WriteLine("done");
        return 0;
    }

    var options = MailIndexRepair.LockOptionsFor(location, new MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) });
    var attempt = MailboxLock.Acquire(maildir, options, CancellationToken.None);
    using MailboxLock held = attempt.Lock ?? throw new InvalidOperationException(attempt.Describe());
    using var quarantine = args[1] == "-" ? Quarantine.Under(Quarantine.DefaultRoot) : Quarantine.Under(args[1]);
    using var repair = MailIndexRepair.Begin(location, held, quarantine);
    Step(repair.CutTransactionLog(), clock);
    Step(repair.FixIndexHeader(), clock);
    Step(repair.QuarantineIndexFile(DovecotFileNames.IndexCache), clock);
    Step(repair.RebuildUidList(), clock);
    Console.WriteLine("done");
    return 0;
}
catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or InvalidOperationException)
{
    Console.Error.WriteLine(ex.ToString());
    return 1;
}

static void Step(RepairResult result, System.Diagnostics.Stopwatch clock)
{
    Console.WriteLine("step " + System.IO.Path.GetFileName(result.File) + " " + (result.Changed ? "Changed" : "None") + " " +
        clock.Elapsed.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture));
    Console.Out.Flush();
}
