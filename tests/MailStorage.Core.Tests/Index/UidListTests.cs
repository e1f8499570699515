using System;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

public sealed class UidListTests : IClassFixture<RealMaildir>
{
    // "3 V1796007588 N4 G<32 hex>\n" is 51 bytes; "1 :a\n" 5 more.
    private const int Line2 = 51;
    private const int Line3 = 56;
    private const int Line4 = 61;

    private readonly RealMaildir real;

    public UidListTests(RealMaildir real) => this.real = real;

    [Fact]
    public void Real_uidlist_equals_doveadm()
    {
        Assert.Null(real.Missing);
        UidList list = UidList.Read(Path.Combine(real.Maildir, "dovecot-uidlist"));
        Assert.Empty(list.Problems);
        Assert.Equal(3, list.Version);
        Assert.Equal(real.UidValidity, list.UidValidity);
        Assert.Equal(real.UidNext, list.NextUid);
        Assert.NotNull(list.MailboxGuid);
        Assert.Equal(real.Messages.Select(m => uint.Parse(m["uid"], System.Globalization.CultureInfo.InvariantCulture)), list.Records.Select(r => r.Uid));

        // uid -> filename: the file with that base name in cur/ or new/ carries the subject doveadm reports for the uid.
        string[] files = Directory.GetFiles(Path.Combine(real.Maildir, "cur")).Concat(Directory.GetFiles(Path.Combine(real.Maildir, "new"))).ToArray();
        Assert.Equal(files.Length, list.Records.Count);
        foreach (UidListRecord record in list.Records)
        {
            string file = Assert.Single(files, f => Path.GetFileName(f).Split(":2,")[0] == record.FileName);
            string subject = File.ReadLines(file).First(l => l.StartsWith("Subject: ", StringComparison.Ordinal))[9..];
            var message = real.Messages.Single(m => m["uid"] == record.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(message["hdr.subject"], subject);
        }
    }

    [Fact]
    public void Valid_v3_with_extensions()
    {
        UidList list = UidList.Read(IndexFixtures.Path("uidlist-valid-v3"));
        Assert.Empty(list.Problems);
        Assert.Equal(3, list.Version);
        Assert.Equal(1796007588u, list.UidValidity);
        Assert.Equal(4u, list.NextUid);
        Assert.Equal("5b52a515a4e60c6b380b000083ecc375", list.MailboxGuid);
        Assert.Equal(new uint[] { 1, 2, 3 }, list.Records.Select(r => r.Uid));
        Assert.Equal("1700000002.M2P1.host,S=90", list.Records[1].FileName);
        Assert.Equal(95ul, list.Records[1].VirtualSize);
        Assert.Equal(90ul, list.Records[1].PhysicalSize);
        Assert.Equal("Abcdef0123456789abcdef0123456789", list.Records[2].Guid);
        Assert.Equal(3, list.Records[1].Line);
        Assert.Equal(Line2 + "1 :1700000001.M1P1.host\n".Length, list.Records[1].Offset);
    }

    [Fact]
    public void Valid_v1()
    {
        UidList list = UidList.Read(IndexFixtures.Path("uidlist-valid-v1"));
        Assert.Empty(list.Problems);
        Assert.Equal(1, list.Version);
        Assert.Equal(1796007588u, list.UidValidity);
        Assert.Equal(4u, list.NextUid);
        Assert.Equal("1700000003.M3P1.host", list.Records[2].FileName);
    }

    [Fact]
    public void Next_UID_is_at_least_last_UID_plus_one()
    {
        UidList list = UidList.Parse("3 V7 N1 G5b52a515a4e60c6b380b000083ecc375\n1 :a\n9 :b\n"u8, "mem");
        Assert.Empty(list.Problems);
        Assert.Equal(1u, list.HeaderNextUid);
        Assert.Equal(10u, list.NextUid);
    }

    [Theory]
    [InlineData("uidlist-broken-header", "UidListBrokenHeader", 0, "Broken header (uidvalidity = 0, next_uid=4)")]
    [InlineData("uidlist-invalid-version", "UidListBadVersion", 0, "Corrupted header (invalid version number)")]
    [InlineData("uidlist-unsupported-version", "UidListUnsupportedVersion", 0, "Unsupported version 4")]
    [InlineData("uidlist-uids-not-ordered", "UidListNotOrdered", Line4, "UIDs not ordered (2 >= 3) at line 4")]
    [InlineData("uidlist-duplicate-uid", "UidListDuplicateUid", Line4, "UIDs not ordered (2 >= 2) at line 4")]
    [InlineData("uidlist-duplicate-file", "UidListDuplicateFile", Line4, "Duplicate file entry at line 4: a (uid 1 -> 3)")]
    [InlineData("uidlist-v1-uid-above-next-uid", "UidListUidAboveNextUid", 23, "UID larger than next_uid (3 >= 3) at line 4")]
    [InlineData("uidlist-unterminated-line", "UidListUnterminatedLine", Line4, "Unexpected garbage at EOF (line 4 has no newline)")]
    [InlineData("uidlist-invalid-extension", "UidListInvalidExtension", Line2 + 2, "Invalid extension record, removing: w12")]
    [InlineData("uidlist-invalid-data", "UidListInvalidData", Line3, "Invalid data at line 3: abc")]
    public void Malformed_uidlist_reports_Dovecots_problem(string fixture, string code, long offset, string message)
    {
        UidList list = UidList.Read(IndexFixtures.Path(fixture));
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(code, problem.Code);
        Assert.Equal(offset, problem.Offset);
        Assert.Equal(message, problem.Message);
        Assert.EndsWith(fixture, problem.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_filename_names_the_line()
    {
        UidList list = UidList.Read(IndexFixtures.Path("uidlist-broken-filename"));
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal("UidListBrokenFilename", problem.Code);
        Assert.Equal(Line3 + 3, problem.Offset);
        Assert.EndsWith("Broken filename at line 3: ../b", problem.Message, StringComparison.Ordinal);
        Assert.Equal(new uint[] { 1 }, list.Records.Select(r => r.Uid));
    }

    [Fact]
    public void Duplicate_file_keeps_the_newer_UID()
    {
        UidList list = UidList.Read(IndexFixtures.Path("uidlist-duplicate-file"));
        Assert.Equal(new[] { "b:2", "a:3" }, list.Records.Select(r => r.FileName + ":" + r.Uid));
    }

    [Fact]
    public void Empty_file_has_no_header_and_no_problem()
    {
        UidList list = UidList.Parse(ReadOnlySpan<byte>.Empty, "empty");
        Assert.Equal(0, list.Version);
        Assert.Empty(list.Problems);
        Assert.Empty(list.Records);
    }
}
