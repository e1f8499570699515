using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

public sealed class CacheFileTests : IClassFixture<RealMaildir>
{
    private readonly RealMaildir real;

    public CacheFileTests(RealMaildir real) => this.real = real;

    /// <summary>Records no other record points back to: the newest record of each message.</summary>
    internal static IEnumerable<CacheRecord> Heads(CacheFile cache)
    {
        var older = cache.Records.Select(r => r.PrevOffset).ToHashSet();
        return cache.Records.Where(r => !older.Contains(r.Offset));
    }

    [Fact]
    public void Real_cache_decodes_what_doveadm_fetches()
    {
        Assert.Null(real.Missing);
        CacheFile cache = CacheFile.Read(Path.Combine(real.Maildir, "dovecot.index.cache"));
        Assert.Empty(cache.Problems);
        CacheHeader header = Assert.IsType<CacheHeader>(cache.Header);
        Assert.Equal(1, header.MajorVersion);
        Assert.Equal(8, header.CompatSizeofUoffT);
        Assert.NotEqual(0u, header.FileSeq);
        Assert.Equal(32u, header.FieldHeaderOffset);
        Assert.Equal(CacheFieldType.Header, cache.Fields[cache.FieldIndex("hdr.subject")].Type);
        Assert.Equal(CacheFieldType.Bitmask, cache.Fields[cache.FieldIndex("flags")].Type);
        Assert.Equal(8u, cache.Fields[cache.FieldIndex("size.virtual")].Size);

        var ours = Heads(cache)
            .Select(r => (
                Subject: CacheFile.HeaderValue(cache.HeaderLines(r.Offset, "subject") ?? string.Empty),
                Size: cache.VirtualSize(r.Offset),
                Received: cache.DateReceived(r.Offset)?.ToUnixTimeSeconds()))
            .Where(m => m.Size != null)
            .OrderBy(m => m.Subject, StringComparer.Ordinal)
            .ToList();
        var theirs = real.Messages
            .Select(m => (
                Subject: m["hdr.subject"],
                Size: (ulong?)ulong.Parse(m["size.virtual"], CultureInfo.InvariantCulture),
                Received: (long?)long.Parse(m["date.received.unixtime"], CultureInfo.InvariantCulture)))
            .ToList();

        // The five messages dropped into new/ were cached by the fetches; the one doveadm saved may not be.
        Assert.True(ours.Count >= 5, "cached messages: " + ours.Count);
        Assert.All(ours, m => Assert.Contains(m, theirs));
        Assert.Equal(ours.Count, ours.Distinct().Count());
    }

    [Fact]
    public void Fixture_header_fields_and_records()
    {
        CacheFile cache = CacheFile.Read(IndexFixtures.Path("valid.index.cache"));
        Assert.Empty(cache.Problems);
        Assert.Equal(new CacheHeader(1, 8, 1, 0x6b0ce77d, 0x6b0ce77d, 0, 3, 408, 0, 32), cache.Header);
        Assert.Equal(17, cache.Fields.Count);
        Assert.Equal("flags", cache.Fields[0].Name);
        Assert.Equal("hdr.Date", cache.Fields[16].Name);
        Assert.Equal(CacheDecision.Temp, cache.Fields[cache.FieldIndex("hdr.subject")].Decision);
        Assert.Equal(new uint[] { 408, 472, 536 }, cache.Records.Select(r => r.Offset));
        Assert.Equal("Subject: hello 2\n", cache.HeaderLines(472, "Subject"));
        Assert.Equal(90ul, cache.VirtualSize(472));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x6b0ce77d), cache.DateReceived(536));
        Assert.Null(cache.PhysicalSize(536));
        Assert.Null(cache.Flags(536));
        Assert.Equal(new[] { 15, 4, 2 }, cache.RecordFields(cache.Records[0]).Select(f => f.FieldIndex));
    }

    [Fact]
    public void Offset_encoding()
    {
        Assert.Equal(12u, CacheHeader.DecodeOffset(new byte[] { 0x80, 0x80, 0x80, 0x83 }));
        Assert.Equal(32u, CacheHeader.DecodeOffset(new byte[] { 0x80, 0x80, 0x80, 0x88 }));
        Assert.Equal(0u, CacheHeader.DecodeOffset(new byte[] { 0x00, 0x80, 0x80, 0x88 }));
    }

    public static TheoryData<string, int, string, long, string> Defects() => new()
    {
        // defect, offset patched ... -> code, problem offset, message
        { "file-too-small", -1, "CacheFileTooSmall", 0, "File too small" },
        { "unsupported-major-version", 0, "CacheUnsupportedMajorVersion", 0, "Unsupported major version (2)" },
        { "unsupported-uoff-size", 1, "CacheUnsupportedUoffSize", 1, "Unsupported uoff_t size (4)" },
        { "file-seq-zero", 8, "CacheFileSeqZero", 8, "file_seq is 0" },
        { "missing-header-fields", 28, "CacheFieldHeaderMissing", 28, "missing header fields" },
        { "field-header-outside", 28, "CacheFieldHeaderOutside", 28, "header field next_offset points outside file" },
        { "field-header-loops", 32, "CacheFieldHeaderLoops", 32, "next_offset in field header loops" },
        { "invalid-field-header-size", 36, "CacheFieldHeaderSizeInvalid", 36, "invalid field header size" },
        { "field-type-corrupted", 32 + 12 + (8 * 17), "CacheFieldTypeCorrupted", 32 + 12 + (8 * 17), "field type corrupted" },
        { "field-decision-corrupted", 32 + 12 + (9 * 17), "CacheFieldDecisionCorrupted", 32 + 12 + (9 * 17), "field decision type corrupted" },
        { "invalid-record-size", 412, "CacheRecordSizeInvalid", 408, "invalid record size" },
        { "field-index-too-large", 416, "CacheFieldIndexInvalid", 416, "field index too large (99 >= 17)" },
        { "record-continues-outside", 420, "CacheRecordOverflow", 424, "record continues outside its allocated size" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Damaged_cache_reports_Dovecots_problem(string defect, int patchAt, string code, long offset, string message)
    {
        byte[] data = File.ReadAllBytes(IndexFixtures.Path("valid.index.cache"));
        switch (defect)
        {
            case "file-too-small": data = data[..31]; break;
            case "unsupported-major-version": data[patchAt] = 2; break;
            case "unsupported-uoff-size": data[patchAt] = 4; break;
            case "file-seq-zero": BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(patchAt), 0); break;
            case "missing-header-fields": BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(patchAt), 0); break;
            case "field-header-outside": data[patchAt] = 0x81; break; // 0x81808088 = 2^23+32
            case "field-header-loops": BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(patchAt), 0x80808088); break; // next = itself (32)
            case "invalid-field-header-size": BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(patchAt), 20); break;
            case "field-type-corrupted": data[patchAt] = 9; break;
            case "field-decision-corrupted": data[patchAt] = 7; break;
            case "invalid-record-size": BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(patchAt), 4); break;
            case "field-index-too-large": BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(patchAt), 99); break;
            case "record-continues-outside": BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(patchAt), 1000); break;
        }

        CacheFile cache = CacheFile.Parse(data, "cache-" + defect);
        Assert.NotEmpty(cache.Problems);
        IndexProblem problem = cache.Problems[0];
        Assert.Equal((code, offset, message), (problem.Code, problem.Offset, problem.Message));
    }
}
