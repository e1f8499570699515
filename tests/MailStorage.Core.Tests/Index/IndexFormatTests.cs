using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

/// <summary>Synthetic dovecot.index and dovecot.index.log files with one defect each, checked against Dovecot's wording.</summary>
public sealed class IndexFormatTests
{
    [Fact]
    public void Valid_index_reads_header_and_records()
    {
        var index = IndexFile.Parse(BuildIndex(new uint[] { 1, 2, 5 }, nextUid: 6), "ok.index");
        Assert.Empty(index.Problems);
        Assert.True(index.IsUsable);
        Assert.Equal(3, index.RecordCount);
        var uids = new List<uint>();
        foreach (IndexRecord record in index.Records)
        {
            uids.Add(record.Uid);
            Assert.Equal(MailIndexFlags.Seen, record.Flags);
        }

        Assert.Equal(new uint[] { 1, 2, 5 }, uids);
        Assert.Equal(6u, index.Header.NextUid);
        Assert.Equal(1234u, index.Header.UidValidity);
    }

    [Fact]
    public void Record_enumeration_does_not_allocate()
    {
        var index = IndexFile.Parse(BuildIndex(Enumerable.Range(1, 10_000).Select(i => (uint)i).ToArray(), nextUid: 10_001), "big.index");
        long sum = 0;
        foreach (IndexRecord record in index.Records)
        {
            sum += record.Uid;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (IndexRecord record in index.Records)
        {
            sum += record.Uid + (byte)record.Flags;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Messages_count_beyond_the_file_is_cut_to_the_records_present()
    {
        byte[] data = BuildIndex(new uint[] { 1, 2, 3 }, nextUid: 4);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(32), 5);
        var index = IndexFile.Parse(data, "count.index");
        Assert.Contains(index.Problems, p => p.Message == "messages_count too large (5 > 3)" && p.Offset == 32);
        Assert.Equal(3, index.RecordCount);
    }

    [Fact]
    public void Huge_messages_count_is_not_trusted()
    {
        byte[] data = BuildIndex(new uint[] { 1 }, nextUid: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(32), uint.MaxValue);
        var index = IndexFile.Parse(data, "huge.index");
        Assert.Equal(1, index.RecordCount);
        Assert.Contains(index.Problems, p => p.Code == "IndexMessagesCountTooLarge");
    }

    [Theory]
    [InlineData(28, 0u, "next_uid 0")]
    [InlineData(8, 4u, "record_size too small (4 < 8)")]
    [InlineData(4, 100u, "Corrupted header sizes (base 120, full 100)")]
    [InlineData(4, 100000u, "Header size is larger than file (100000 > 144)")]
    [InlineData(40, 9u, "seen_messages_count too large (9 > 3)")]
    public void Header_defects_are_reported_like_dovecot(int offset, uint value, string message)
    {
        byte[] data = BuildIndex(new uint[] { 1, 2, 3 }, nextUid: 4);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
        var index = IndexFile.Parse(data, "bad.index");
        Assert.Contains(index.Problems, p => p.Message == message && p.Offset == offset);
    }

    [Fact]
    public void Unordered_uids_and_small_next_uid_are_reported()
    {
        var index = IndexFile.Parse(BuildIndex(new uint[] { 1, 7, 3 }, nextUid: 5), "order.index");
        Assert.Contains(index.Problems, p => p.Message == "UIDs not ordered (seq 3: uid 3 <= 7)" && p.Offset == 120 + 16);
        Assert.Contains(index.Problems, p => p.Code == "IndexNextUidTooSmall");
    }

    [Fact]
    public void Wrong_major_version_or_short_file_makes_the_index_unusable()
    {
        byte[] data = BuildIndex(new uint[] { 1 }, nextUid: 2);
        data[0] = 6;
        Assert.False(IndexFile.Parse(data, "v6.index").IsUsable);
        var small = IndexFile.Parse(data.AsSpan(0, 50).ToArray(), "small.index");
        Assert.False(small.IsUsable);
        Assert.Equal("File too small (50)", small.Problems.Single().Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x83 }, 12u)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x88 }, 32u)]
    [InlineData(new byte[] { 0x80, 0x80, 0x81, 0x80 }, 512u)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x0c }, 0u)]
    public void Offset_encoding_decodes(byte[] bytes, uint expected)
    {
        Assert.Equal(expected, TransactionLogFile.DecodeOffset(bytes));
        Assert.Equal(bytes, Encode(expected == 0 ? 0 : expected));
    }

    [Fact]
    public void Log_replay_applies_appends_flags_keywords_and_external_expunges_only()
    {
        var log = new LogBuilder();
        log.Add(0x10000020, HeaderUpdate(24, 777u, 1u)); // uid_validity 777, next_uid 1
        log.Add(0x10000002, Append(1, 0), Append(2, 0x08), Append(3, 0), Append(4, 0));
        log.Add(0x00000004, FlagUpdate(1, 2, add: 0x02, remove: 0x08));
        log.Add(0x00000400, KeywordUpdate(0, "$Label1", 2, 4));
        log.Add(0x00000400, KeywordUpdate(1, "$Label1", 3, 3));
        log.Add(0x0000cd91, Range(4, 4)); // request only
        log.Add(0x1000cd91, Range(3, 3)); // done
        var file = TransactionLogFile.Parse(log.ToArray(), "synthetic.log");
        Assert.Empty(file.Problems);
        var state = MailboxState.Replay(null, null, file);
        Assert.Empty(state.Problems);
        Assert.Equal(777u, state.UidValidity);
        Assert.Equal(5u, state.NextUid);
        Assert.Equal(new uint[] { 1, 2, 4 }, state.Messages.Select(m => m.Uid));
        Assert.Equal(MailIndexFlags.Flagged, state.Messages[0].Flags);
        Assert.Equal(MailIndexFlags.Flagged, state.Messages[1].Flags);
        Assert.Empty(state.Messages[0].Keywords);
        Assert.Equal(new[] { "$Label1" }, state.Messages[1].Keywords);
        Assert.Equal(new[] { "$Label1" }, state.Messages[2].Keywords);
    }

    [Fact]
    public void Log_garbage_truncation_and_bad_records_are_problems()
    {
        var log = new LogBuilder();
        log.Add(0x10000002, Append(1, 0));
        log.Add(0x00000001, Range(1, 1)); // expunge without protection mask
        log.Add(0x00000004, FlagUpdate(5, 2, 1, 0)); // uid1 > uid2
        byte[] good = log.ToArray();
        var file = TransactionLogFile.Parse(good.Concat(new byte[] { 1, 2, 3, 4, 5 }).ToArray(), "garbage.log");
        Assert.Contains(file.Problems, p => p.Message == "Unexpected garbage at EOF (sync_offset=" + good.Length + ")" && p.Offset == good.Length);
        Assert.Contains(file.Problems, p => p.Message.EndsWith("expunge record missing protection mask", StringComparison.Ordinal));
        Assert.Contains(file.Problems, p => p.Message.EndsWith("Invalid UID range (5 .. 2)", StringComparison.Ordinal));
        Assert.Equal(3, file.RecordCount);

        var truncated = TransactionLogFile.Parse(good.AsSpan(0, good.Length - 4).ToArray(), "truncated.log");
        Assert.Contains(truncated.Problems, p => p.Code == "LogRecordTruncated");
        Assert.Equal(2, truncated.RecordCount);
        Assert.Equal(1, MailboxState.Replay(null, null, truncated).MessagesCount);
    }

    [Fact]
    public void Replay_starts_at_the_index_head_offset_and_reports_an_indexid_change()
    {
        var log = new LogBuilder();
        log.Add(0x10000002, Append(1, 0)); // already in the index
        int head = log.ToArray().Length;
        log.Add(0x10000002, Append(4, 0x01));
        log.Add(0x00000004, FlagUpdate(1, 1, add: 0x04, remove: 0x08));
        byte[] indexBytes = BuildIndex(new uint[] { 1, 2, 3 }, nextUid: 4);
        BinaryPrimitives.WriteUInt32LittleEndian(indexBytes.AsSpan(60), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(indexBytes.AsSpan(68), (uint)head);
        var index = IndexFile.Parse(indexBytes, "dovecot.index");
        var state = MailboxState.Replay(index, null, TransactionLogFile.Parse(log.ToArray(), "dovecot.index.log"));
        Assert.Empty(state.Problems);
        Assert.True(state.FromIndex);
        Assert.Equal(new uint[] { 1, 2, 3, 4 }, state.Messages.Select(m => m.Uid));
        Assert.Equal(MailIndexFlags.Deleted, state.Messages[0].Flags);
        Assert.Equal(MailIndexFlags.Answered, state.Messages[3].Flags);
        Assert.Equal(5u, state.NextUid);
        Assert.Equal(1234u, state.UidValidity);

        BinaryPrimitives.WriteUInt32LittleEndian(indexBytes.AsSpan(16), 99);
        var changed = MailboxState.Replay(IndexFile.Parse(indexBytes, "dovecot.index"), null, TransactionLogFile.Parse(log.ToArray(), "dovecot.index.log"));
        Assert.Contains(changed.Problems, p => p.Message == "indexid changed: 99 -> 4242");
    }

    [Fact]
    public void Log_header_fields_are_read()
    {
        var file = TransactionLogFile.Parse(new LogBuilder().ToArray(), "empty.log");
        Assert.Equal(1, file.Header.MajorVersion);
        Assert.Equal(3, file.Header.MinorVersion);
        Assert.Equal(40, file.Header.HeaderSize);
        Assert.Equal(4242u, file.Header.IndexId);
        Assert.Equal(2u, file.Header.FileSeq);
        Assert.Equal(1u, file.Header.CompatFlags);
        Assert.Empty(file.Problems);
        Assert.Equal(40, file.SyncOffset);
    }

    /// <summary>A dovecot.index with no extensions, record_size 8, every record \Seen.</summary>
    internal static byte[] BuildIndex(uint[] uids, uint nextUid)
    {
        byte[] data = new byte[120 + (8 * uids.Length)];
        data[0] = 7;
        data[1] = 3;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), 120);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), 120);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), 8);
        data[12] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), 4242);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(24), 1234);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(28), nextUid);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(32), (uint)uids.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(40), (uint)uids.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(48), 1);
        for (int i = 0; i < uids.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(120 + (8 * i)), uids[i]);
            data[120 + (8 * i) + 4] = 0x08;
        }

        return data;
    }

    internal static byte[] Encode(uint value)
    {
        if (value == 0)
        {
            return new byte[] { 0x00, 0x00, 0x00, 0x0c };
        }

        uint v = value >> 2;
        return new[] { (byte)(0x80 | ((v >> 21) & 0x7f)), (byte)(0x80 | ((v >> 14) & 0x7f)), (byte)(0x80 | ((v >> 7) & 0x7f)), (byte)(0x80 | (v & 0x7f)) };
    }

    internal static byte[] Append(uint uid, byte flags)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(b, uid);
        b[4] = flags;
        return b;
    }

    internal static byte[] Range(uint uid1, uint uid2)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(b, uid1);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), uid2);
        return b;
    }

    internal static byte[] FlagUpdate(uint uid1, uint uid2, byte add, byte remove) => Range(uid1, uid2).Concat(new byte[] { add, remove, 0, 0 }).ToArray();

    internal static byte[] KeywordUpdate(byte modify, string name, uint uid1, uint uid2)
    {
        byte[] n = Encoding.ASCII.GetBytes(name);
        byte[] b = new byte[(4 + n.Length + 3) & ~3];
        b[0] = modify;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), (ushort)n.Length);
        n.CopyTo(b, 4);
        return b.Concat(Range(uid1, uid2)).ToArray();
    }

    internal static byte[] HeaderUpdate(ushort offset, uint uidValidity, uint nextUid)
    {
        byte[] b = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(b, offset);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), 8);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), uidValidity);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), nextUid);
        return b;
    }

    /// <summary>Writes a dovecot.index.log: 40-byte header (indexid 4242, file_seq 2) and records.</summary>
    internal sealed class LogBuilder
    {
        private readonly List<byte> bytes = new();

        public LogBuilder()
        {
            byte[] h = new byte[40];
            h[0] = 1;
            h[1] = 3;
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(2), 40);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), 4242);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), 2);
            h[32] = 1;
            bytes.AddRange(h);
        }

        public void Add(uint type, params byte[][] payloads)
        {
            byte[] payload = payloads.SelectMany(p => p).ToArray();
            bytes.AddRange(Encode((uint)(8 + payload.Length)));
            byte[] t = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(t, type);
            bytes.AddRange(t);
            bytes.AddRange(payload);
        }

        public byte[] ToArray() => bytes.ToArray();
    }
}
