using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// 2,000 mutations (bit flips, truncations, huge counts and sizes, random words) of a real dovecot.index and
/// dovecot.index.log: reading and replaying never throws, each case finishes quickly, and what is allocated stays
/// proportional to the file (header counts are never trusted for allocation).
/// </summary>
public sealed class IndexFuzzTests
{
    private const int Cases = 2000;
    private readonly ITestOutputHelper output;

    public IndexFuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Mutated_real_index_and_log_never_throw_hang_or_allocate_without_bound()
    {
        byte[] index;
        byte[] log;
        using (var mailbox = DovecotMailbox.Create(2))
        {
            for (int i = 0; i < 30; i++)
            {
                mailbox.DeliverToNew("fuzz " + i);
            }

            DovecotIndexInteropTests.Must(mailbox, DovecotIndexInteropTests.EarlyIndexOptions.Concat(new[] { "flags", "add", "\\Seen $Label1 Work", "mailbox", "INBOX", "uid", "1:20" }).ToArray());
            DovecotIndexInteropTests.Must(mailbox, "flags", "add", "\\Flagged $Label2", "mailbox", "INBOX", "uid", "5:25");
            DovecotIndexInteropTests.Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "7:9");
            index = File.ReadAllBytes(Path.Combine(mailbox.Maildir, "dovecot.index"));
            log = File.ReadAllBytes(mailbox.IndexLog);
        }

        var baseline = MailboxState.Replay(IndexFile.Parse(index, "dovecot.index"), null, TransactionLogFile.Parse(log, "dovecot.index.log"));
        Assert.Empty(baseline.Problems);
        Assert.Equal(29, baseline.MessagesCount);

        var random = new Random(6);
        var total = Stopwatch.StartNew();
        TimeSpan slowest = TimeSpan.Zero;
        long mostAllocated = 0;
        int withProblems = 0;
        for (int n = 0; n < Cases; n++)
        {
            bool mutateIndex = n % 2 == 0;
            byte[] mutatedIndex = mutateIndex ? Mutate(index, random, indexFile: true) : index;
            byte[] mutatedLog = mutateIndex && n % 4 != 0 ? log : Mutate(log, random, indexFile: false);
            var watch = Stopwatch.StartNew();
            long before = GC.GetAllocatedBytesForCurrentThread();
            int problems;
            try
            {
                problems = Exercise(mutatedIndex, mutatedLog);
            }
            catch (Exception e)
            {
                string path = Path.Combine(Path.GetTempPath(), "mailstorage-fuzz-" + n);
                File.WriteAllBytes(path + ".index", mutatedIndex);
                File.WriteAllBytes(path + ".log", mutatedLog);
                throw new Xunit.Sdk.XunitException("case " + n + " threw (inputs saved as " + path + ".index/.log): " + e);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            mostAllocated = Math.Max(mostAllocated, allocated);
            withProblems += problems > 0 ? 1 : 0;

            // Generous, but far below what a trusted count of 0xFFFFFFFF records or ranges would need.
            long bound = (64L * (mutatedIndex.Length + mutatedLog.Length)) + (4 << 20);
            Assert.True(allocated < bound, "case " + n + " allocated " + allocated + " bytes (bound " + bound + ")");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "case " + n + " took " + watch.Elapsed);
        }

        output.WriteLine(Cases + " cases in " + total.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) +
            " s; slowest " + slowest.TotalMilliseconds + " ms; most allocated " + mostAllocated + " bytes; " + withProblems + " with problems");
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(60));
        Assert.True(withProblems > Cases / 4, "mutations found too few problems: " + withProblems);
    }

    private static int Exercise(byte[] indexBytes, byte[] logBytes)
    {
        var index = IndexFile.Parse(indexBytes, "dovecot.index");
        var log = TransactionLogFile.Parse(logBytes, "dovecot.index.log");
        long sum = index.Header.MessagesCount + log.Header.FileSeq;
        foreach (IndexRecord record in index.Records)
        {
            sum += record.Uid + index.KeywordsOf(record).Count;
            foreach (IndexExtension extension in index.Extensions)
            {
                sum += record.Extension(extension).Length;
            }
        }

        foreach (TransactionLogRecord record in log.Records)
        {
            sum += record.Payload.Length + (int)record.Type;
        }

        var fromIndex = MailboxState.Replay(index, null, log);
        var fromLog = MailboxState.Replay(null, null, log);
        sum += fromIndex.MessagesCount + fromLog.MessagesCount + fromIndex.Messages.Sum(m => m.Keywords.Count);
        GC.KeepAlive(sum);
        return index.Problems.Count + log.Problems.Count + fromIndex.Problems.Count;
    }

    internal static byte[] Mutate(byte[] original, Random random, bool indexFile)
    {
        byte[] data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                for (int i = random.Next(1, 17); i > 0; i--)
                {
                    int at = random.Next(data.Length);
                    data[at] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 1:
                return data.AsSpan(0, random.Next(data.Length)).ToArray();
            case 2:
            {
                // A huge count or size in a header field.
                int[] fields = indexFile ? new[] { 2, 4, 8, 28, 32, 40, 44, 60, 68, 120, 124, 136 } : new[] { 2, 4, 8, 12, 16 };
                int at = fields[random.Next(fields.Length)];
                uint[] huge = { uint.MaxValue, int.MaxValue, 0x10000, 0, 1, 0x80000000 };
                if (indexFile && at == 2)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), (ushort)huge[random.Next(huge.Length)]);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), huge[random.Next(huge.Length)]);
                }

                return data;
            }

            case 3:
            {
                // A random aligned word anywhere (record sizes, uids, ext sizes, keyword counts...).
                int at = random.Next(data.Length / 4) * 4;
                uint value = random.Next(3) switch { 0 => uint.MaxValue, 1 => (uint)random.Next(), _ => (uint)random.Next(256) };
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), value);
                return data;
            }

            case 4:
            {
                // A log record size (offset-encoded) claiming far more than the file, or a valid encoding of a random size.
                int at = 40 + (random.Next(Math.Max(1, (data.Length - 44) / 4)) * 4);
                uint size = random.Next(2) == 0 ? 0x3FFFFFFCu : (uint)(random.Next(1, 64) * 4);
                IndexFormatTests.Encode(size).CopyTo(data.AsSpan(Math.Min(at, data.Length - 4)));
                return data;
            }

            default:
                // Garbage appended.
                return data.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256))).ToArray();
        }
    }
}
