using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Tests.TestBeds;
using Xunit;
using static MailStorage.Core.Tests.Index.IndexFormatTests;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// TransactionLogFile.Extend (parse only what a log gained) must equal a parse of the whole log: at every length the
/// log could have been read at, for synthetic logs with bad records, garbage and unfinished transactions, and for a
/// log Dovecot wrote.
/// </summary>
public sealed class LogExtendTests
{
    [Fact]
    public void Extending_from_any_earlier_length_equals_parsing_the_whole_log()
    {
        var log = new IndexFormatTests.LogBuilder();
        log.Add(0x10000020, HeaderUpdate(24, 777u, 1u));
        log.Add(0x10000002, Append(1, 0), Append(2, 0x08), Append(3, 0));
        log.Add(0x00000001, Range(1, 1)); // invalid: expunge without protection
        log.Add(0x00080000, U32(12 + 20 + 28)); // boundary: this record and the two after it
        log.Add(0x00000004, FlagUpdate(1, 3, add: 0x02, remove: 0));
        log.Add(0x00000400, KeywordUpdate(0, "$Label1", 2, 3));
        byte[] good = log.ToArray();

        foreach (byte[] whole in new[] { good, good.Concat(new byte[] { 9, 9, 9, 9, 9 }).ToArray(), good.AsSpan(0, good.Length - 3).ToArray() })
        {
            string expected = Describe(TransactionLogFile.Parse(whole, "x.log"));
            for (int cut = 0; cut <= whole.Length; cut++)
            {
                TransactionLogFile early = TransactionLogFile.Parse(whole.AsSpan(0, cut).ToArray(), "x.log");
                TransactionLogFile extended = early.Extend(whole);
                Assert.True(expected == Describe(extended), "extended from " + cut + " of " + whole.Length + " bytes");
                Assert.Equal(early.IsUsable, extended.IsExtension);
            }
        }
    }

    [Fact]
    public void An_older_parse_extended_again_gets_its_own_records_and_leaves_the_newer_one_alone()
    {
        var log = new IndexFormatTests.LogBuilder();
        log.Add(0x10000002, Append(1, 0));
        int first = log.ToArray().Length;
        log.Add(0x10000002, Append(2, 0));
        int second = log.ToArray().Length;
        log.Add(0x10000002, Append(3, 0), Append(4, 0));
        byte[] whole = log.ToArray();

        TransactionLogFile a = TransactionLogFile.Parse(whole.AsSpan(0, first).ToArray(), "x.log");
        TransactionLogFile b = a.Extend(whole.AsSpan(0, second).ToArray());
        TransactionLogFile c = a.Extend(whole); // a's store already holds b's record: c must copy
        TransactionLogFile d = b.Extend(whole);

        Assert.Equal(1, a.RecordCount);
        Assert.Equal(2, b.RecordCount);
        Assert.Equal(3, c.RecordCount);
        Assert.Equal(3, d.RecordCount);
        Assert.Equal(Describe(TransactionLogFile.Parse(whole.AsSpan(0, second).ToArray(), "x.log")), Describe(b));
        Assert.Equal(Describe(TransactionLogFile.Parse(whole, "x.log")), Describe(c));
        Assert.Equal(Describe(c), Describe(d));
    }

    [Fact]
    public void A_header_changed_in_place_or_a_shorter_log_is_parsed_anew()
    {
        var log = new IndexFormatTests.LogBuilder();
        log.Add(0x10000002, Append(1, 0));
        byte[] before = log.ToArray();
        log.Add(0x10000002, Append(2, 0));
        byte[] after = log.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(after.AsSpan(4), 0); // Dovecot marks a corrupted log by zeroing indexid

        TransactionLogFile early = TransactionLogFile.Parse(before, "x.log");
        TransactionLogFile marked = early.Extend(after);
        Assert.False(marked.IsExtension);
        Assert.Contains(marked.Problems, p => p.Code == "LogMarkedCorrupted");
        Assert.Equal(Describe(TransactionLogFile.Parse(after, "x.log")), Describe(marked));

        TransactionLogFile shorter = TransactionLogFile.Parse(after, "x.log").Extend(before);
        Assert.False(shorter.IsExtension);
        Assert.Equal(1, shorter.RecordCount);
    }

    [Fact]
    public void A_log_written_by_dovecot_extends_to_the_same_parse()
    {
        using var mailbox = DovecotMailbox.Create(4);
        DovecotIndexInteropTests.Must(mailbox, "flags", "add", "\\Seen $Label1", "mailbox", "INBOX", "uid", "1:3");
        DovecotIndexInteropTests.Must(mailbox, "expunge", "mailbox", "INBOX", "uid", "2");
        DovecotIndexInteropTests.Must(mailbox, "flags", "remove", "$Label1", "mailbox", "INBOX", "uid", "3");
        byte[] whole = File.ReadAllBytes(mailbox.IndexLog);
        var full = TransactionLogFile.Parse(whole, mailbox.IndexLog);
        Assert.Empty(full.Problems);
        Assert.True(full.RecordCount > 10, "the log has " + full.RecordCount + " records");
        string expected = Describe(full);
        for (int cut = 0; cut <= whole.Length; cut += 7)
        {
            var extended = TransactionLogFile.Parse(whole.AsSpan(0, cut).ToArray(), mailbox.IndexLog).Extend(whole);
            Assert.True(expected == Describe(extended), "extended from " + cut + " of " + whole.Length + " bytes");
        }
    }

    private static byte[] U32(uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }

    // Everything a parse yields, as one text: header use, sync offset, each record, each problem.
    private static string Describe(TransactionLogFile log)
    {
        var lines = new List<string> { "usable " + log.IsUsable + " sync " + log.SyncOffset + " length " + log.Length + " seq " + log.Header.FileSeq };
        foreach (TransactionLogRecord record in log.Records)
        {
            lines.Add("record " + record.Offset + " " + record.RawType + " " + Convert.ToHexString(record.Payload) + " " + record.IsValid);
        }

        lines.AddRange(log.Problems.Select(p => "problem " + p.Code + " " + p));
        return string.Join('\n', lines);
    }
}
