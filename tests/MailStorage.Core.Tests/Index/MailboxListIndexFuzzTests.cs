using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// 1,500 mutations of a real rotated list index (dovecot.list.index, .log and .log.2 of 120 folders): reading and
/// building the tree never throws, each case finishes quickly, and allocation stays proportional to the input.
/// </summary>
public sealed class MailboxListIndexFuzzTests
{
    private const int Cases = 1500;
    private readonly ITestOutputHelper output;

    public MailboxListIndexFuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Mutated_real_list_index_never_throws_hangs_or_allocates_without_bound()
    {
        byte[] index;
        byte[] log;
        byte[] log2;
        using (var mailbox = DovecotMailbox.Create(1))
        {
            for (int batch = 0; batch < 3; batch++)
            {
                MailboxListIndexTests.Must(mailbox, new[] { "mailbox", "create" }.Concat(Enumerable.Range(1, 40).Select(i => "Fuzz" + batch + ".F" + i)).ToArray());
            }

            MailboxListIndexTests.Save(mailbox, "Fuzz0.F1", "one");
            MailboxListIndexTests.Must(mailbox, "mailbox", "status", "messages", "*");
            MailboxListIndexTests.Must(mailbox, "mailbox", "rename", "Fuzz1.F2", "Moved.Here");
            MailboxListIndexTests.Must(mailbox, "mailbox", "delete", "Fuzz2.F3");
            string prefix = Path.Combine(mailbox.Maildir, DovecotFileNames.ListIndex);
            Assert.True(File.Exists(prefix) && File.Exists(prefix + ".log.2"), "the list index did not rotate");
            index = File.ReadAllBytes(prefix);
            log = File.ReadAllBytes(prefix + ".log");
            log2 = File.ReadAllBytes(prefix + ".log.2");
        }

        MailboxListIndex baseline = Build(index, log2, log);
        Assert.Empty(baseline.Problems);
        Assert.True(baseline.Mailboxes.Count > 120);

        var random = new Random(61);
        var total = Stopwatch.StartNew();
        TimeSpan slowest = TimeSpan.Zero;
        long mostAllocated = 0;
        int withProblems = 0;
        for (int n = 0; n < Cases; n++)
        {
            int which = n % 3;
            byte[] mIndex = which == 0 ? IndexFuzzTests.Mutate(index, random, indexFile: true) : index;
            byte[] mLog = which == 1 ? IndexFuzzTests.Mutate(log, random, indexFile: false) : log;
            byte[] mLog2 = which == 2 ? IndexFuzzTests.Mutate(log2, random, indexFile: false) : log2;
            var watch = Stopwatch.StartNew();
            long before = GC.GetAllocatedBytesForCurrentThread();
            int problems;
            try
            {
                MailboxListIndex list = Build(mIndex, mLog2, mLog);
                long sum = 0;
                foreach (MailboxListEntry entry in list.Mailboxes)
                {
                    sum += entry.Name.Length + (entry.Status?.Messages ?? 0) + (long)(entry.UidValidity + (entry.HighestModseq ?? 0));
                }

                GC.KeepAlive(sum);
                problems = list.Problems.Count;

                // Without the index file, from the logs alone (the index is the part mutated in a third of the cases).
                problems += Build(null, mLog2, mLog).Problems.Count;
            }
            catch (Exception e)
            {
                string path = Path.Combine(Path.GetTempPath(), "mailstorage-listfuzz-" + n.ToString(CultureInfo.InvariantCulture));
                File.WriteAllBytes(path + ".index", mIndex);
                File.WriteAllBytes(path + ".log", mLog);
                File.WriteAllBytes(path + ".log.2", mLog2);
                throw new Xunit.Sdk.XunitException("case " + n + " threw (inputs saved as " + path + ".*): " + e);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            mostAllocated = Math.Max(mostAllocated, allocated);
            withProblems += problems > 0 ? 1 : 0;
            long bound = (64L * (mIndex.Length + mLog.Length + mLog2.Length)) + (4 << 20);
            Assert.True(allocated < bound, "case " + n + " allocated " + allocated + " bytes (bound " + bound + ")");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "case " + n + " took " + watch.Elapsed);
        }

        output.WriteLine(Cases + " cases in " + total.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s; slowest " +
            slowest.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms; most allocated " + mostAllocated + " bytes; " + withProblems + " with problems");
        Assert.True(withProblems > Cases / 4, "mutations found too few problems: " + withProblems);
    }

    private static MailboxListIndex Build(byte[]? index, byte[] log2, byte[] log)
    {
        IndexMap map = IndexMap.Replay(
            index == null ? null : IndexFile.Parse(index, "dovecot.list.index"),
            TransactionLogFile.Parse(log2, "dovecot.list.index.log.2"),
            TransactionLogFile.Parse(log, "dovecot.list.index.log"));
        return MailboxListIndex.FromMap(map, "dovecot.list.index", '.');
    }
}
