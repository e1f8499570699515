using System;
using System.Buffers.Binary;
using System.Linq;
using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// Synthetic list index logs, a valid one and twins with one defect each: every defect is an
/// <see cref="IndexProblem"/> naming the file and the offset of the record at fault, worded like Dovecot's
/// "Corrupted mailbox list index" messages; nothing throws. Also the extension rules of the replay underneath
/// (introductions by name and id, NO_SHRINK, resets, atomic increments, keywords taking an extension id).
/// </summary>
public sealed class MailboxListIndexFormatTests
{
    private const string File = "dovecot.list.index.log";

    [Fact]
    public void Valid_list_builds_the_tree_with_guids_uidvalidity_and_status()
    {
        var log = ValidList(out _);
        MailboxListIndex list = Read(log);
        Assert.Empty(list.Problems);
        Assert.Equal(new[] { "Work", "Work/Projects", "INBOX" }, list.Mailboxes.Select(m => m.Name));
        MailboxListEntry work = list.Find("Work")!;
        Assert.Equal(new MailboxListStatus(5, 1, 0, 6), work.Status);
        Assert.Equal(200u, work.UidValidity);
        Assert.Equal(new string('2', 32), work.GuidText);
        Assert.Equal(1, list.Find("Work/Projects")!.Level);
        Assert.Equal(2u, list.Find("Work/Projects")!.ParentUid);
        Assert.Null(list.Find("INBOX")!.Status);
        Assert.Equal(4u, list.Map.NextUid);
    }

    [Fact]
    public void Name_id_missing_from_the_header_is_reported_at_the_record_that_wrote_it()
    {
        var log = ValidList(out _);
        log.Append(4);
        log.IntroId(0, 64, 28, 4);
        long at = log.ExtRecords((4, LogBuilder.ListRecord(9, 0)));
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("ListIndexNameIdUnknown", File, at), (problem.Code, problem.File, problem.Offset));
        Assert.Contains("name_id=9 not in index header", problem.Message, StringComparison.Ordinal);
        Assert.NotNull(list.Find("unknown-4"));
    }

    [Fact]
    public void Parent_that_does_not_exist_puts_the_mailbox_at_the_top()
    {
        var log = ValidList(out _);
        log.IntroId(0, 64, 28, 4);
        long at = log.ExtRecords((3, LogBuilder.ListRecord(3, 7)));
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("ListIndexParentMissing", at), (problem.Code, problem.Offset));
        Assert.Equal("Corrupted mailbox list index dovecot.list.index: parent_uid=7 points to nonexistent record", problem.Message);
        Assert.Equal(0, list.Find("Projects")!.Level);
    }

    [Fact]
    public void Parents_that_loop_are_broken_where_dovecot_breaks_them()
    {
        var log = ValidList(out long projectsAt);
        log.IntroId(0, 64, 28, 4);
        log.ExtRecords((2, LogBuilder.ListRecord(2, 3)));
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);

        // Reported at the mailbox where the loop shows (Projects, uid 3), at the record that last wrote its field.
        Assert.Equal(("ListIndexParentLoop", projectsAt), (problem.Code, problem.Offset));
        Assert.Contains("loops to node itself (Projects)", problem.Message, StringComparison.Ordinal);

        // Work (uid 2) was linked under Projects first; Projects, looping back, went to the top.
        Assert.Equal(new[] { "Projects", "Projects/Work", "INBOX" }, list.Mailboxes.Select(m => m.Name));
    }

    [Fact]
    public void Duplicate_names_under_one_parent_are_reported()
    {
        var log = ValidList(out _);
        log.Append(4);
        log.IntroId(0, 64, 28, 4);
        long at = log.ExtRecords((4, LogBuilder.ListRecord(2, 0)));
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("ListIndexDuplicate", at), (problem.Code, problem.Offset));
        Assert.Contains("Duplicate mailbox 'Work' in index", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_ids_not_ascending_stop_the_names_there()
    {
        var log = ValidList(out _);
        log.IntroId(0, 64, 28, 4);
        long at = log.ExtHeader(0, LogBuilder.ListNames((1, "INBOX"), (3, "Projects"), (2, "Work")));
        MailboxListIndex list = Read(log);
        Assert.Contains(list.Problems, p => p.Code == "ListIndexHeaderCorrupted" && p.Offset == at && p.Message.EndsWith("name id 2 after 3", StringComparison.Ordinal));
        Assert.Contains(list.Problems, p => p.Code == "ListIndexNameIdUnknown" && p.Message.Contains("name_id=2", StringComparison.Ordinal));
    }

    [Fact]
    public void Header_name_without_its_nul_is_reported()
    {
        var log = new LogBuilder();
        log.IntroNew("list", 10, 28, 4);
        long at = log.ExtHeader(0, new byte[] { 0, 1, 0, 0, 0, (byte)'I', (byte)'N', (byte)'B', (byte)'O', (byte)'X' });
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("ListIndexHeaderCorrupted", at), (problem.Code, problem.Offset));
        Assert.EndsWith("name of id 1 not terminated", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_without_the_list_extension_are_reported()
    {
        var log = new LogBuilder();
        log.Append(1, 2);
        MailboxListIndex list = Read(log);
        Assert.Equal("ListIndexMissingExtension", Assert.Single(list.Problems).Code);
        Assert.Empty(list.Mailboxes);
    }

    [Fact]
    public void Extension_intro_for_an_unknown_id_ignores_the_updates_after_it()
    {
        var log = ValidList(out _);
        long at = log.IntroId(7, 64, 28, 4);
        log.ExtRecords((2, LogBuilder.ListRecord(3, 0)));
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("MapExtIntroUnknownId", File, at), (problem.Code, problem.File, problem.Offset));
        Assert.Equal("Extension introduction for unknown id 7", problem.Message);
        Assert.Equal("Work", list.Find("Work")!.LeafName);
    }

    [Theory]
    [InlineData("list", 0, 0, 4, "Broken extension introduction: Invalid field values")]
    [InlineData("li/st", 16, 28, 4, "Broken extension introduction: Invalid name")]
    [InlineData("list", 16, 28, 0, "Broken extension introduction: Record field alignment is zero")]
    [InlineData("list", 16, 28, 16, "Broken extension introduction: Record alignment is too large")]
    [InlineData("list", 16, 40000, 4, "Broken extension introduction: Record size is too large")]
    [InlineData("list", 16777216, 28, 4, "Broken extension introduction: Headersize too large (16777216)")]
    public void Broken_extension_introductions_are_reported(string name, uint hdrSize, int recordSize, int align, string message)
    {
        var log = new LogBuilder();
        long at = log.IntroNew(name, hdrSize, (ushort)recordSize, (ushort)align);
        log.ExtHeader(0, LogBuilder.ListNames((1, "INBOX")));
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal((at, message), (problem.Offset, problem.Message));
        Assert.Empty(list.Map.Extensions);
    }

    [Fact]
    public void Record_update_for_a_uid_not_yet_given_is_reported()
    {
        var log = ValidList(out _);
        log.IntroId(0, 64, 28, 4);
        long at = log.ExtRecords((9, LogBuilder.ListRecord(1, 0)));
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("MapExtRecordUpdateUid", at, "Extension record update for invalid uid=9"), (problem.Code, problem.Offset, problem.Message));
    }

    [Fact]
    public void Header_update_outside_the_extension_header_is_reported()
    {
        var log = ValidList(out _);
        log.IntroId(0, 64, 28, 4);
        long at = log.ExtHeader(60, new byte[8]);
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("MapExtHeaderUpdateOutside", at), (problem.Code, problem.Offset));
    }

    [Fact]
    public void Base_header_update_outside_the_base_header_is_reported()
    {
        var log = ValidList(out _);
        long at = log.HeaderUpdate(118, new byte[4]);
        MailboxListIndex list = Read(log);
        IndexProblem problem = Assert.Single(list.Problems);
        Assert.Equal(("MapHeaderUpdateOutside", at, "Header update outside range: 118 + 4 > 120"), (problem.Code, problem.Offset, problem.Message));
    }

    [Fact]
    public void A_chain_nested_past_any_name_length_is_cut_without_squared_memory()
    {
        const int depth = 3000;
        var log = new LogBuilder();
        log.IntroNew("list", 16, 28, 4);
        log.ExtHeader(0, LogBuilder.ListNames((1, "abcd")));
        log.Append(Enumerable.Range(1, depth).Select(i => (uint)i).ToArray());
        log.IntroId(0, 16, 28, 4);
        log.ExtRecords(Enumerable.Range(1, depth).Select(i => ((uint)i, LogBuilder.ListRecord(1, (uint)(i - 1)))).ToArray());
        long before = GC.GetAllocatedBytesForCurrentThread();
        MailboxListIndex list = Read(log);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(depth, list.Mailboxes.Count);
        Assert.Contains(list.Problems, p => p.Code == "ListIndexNameTooLong");
        Assert.All(list.Mailboxes, m => Assert.True(m.RawName.Length <= 4096));
        Assert.True(allocated < 64L << 20, "allocated " + allocated);
    }

    [Fact]
    public void No_shrink_keeps_the_larger_header_and_a_plain_intro_shrinks_it()
    {
        var log = ValidList(out _);
        log.IntroId(0, 16, 28, 4, noShrink: true);
        IndexMap kept = IndexMap.Replay(null, null, log.Parse());
        Assert.Equal(64u, kept.FindExtension("list")!.HeaderSize);
        log.IntroId(0, 8, 28, 4, noShrink: false);
        IndexMap shrunk = IndexMap.Replay(null, null, log.Parse());
        Assert.Equal(8u, shrunk.FindExtension("list")!.HeaderSize);
        Assert.Equal(8, shrunk.FindExtension("list")!.Header.Length);
        Assert.Empty(shrunk.Problems);
    }

    [Fact]
    public void Grown_record_field_reads_zero_past_what_an_older_writer_wrote()
    {
        var log = new LogBuilder();
        log.Append(1);
        log.IntroNew("counter", 0, 4, 4);
        log.ExtRecords((1, LogBuilder.U32(0x01020304)));
        log.IntroId(0, 0, 8, 4);
        IndexMap map = IndexMap.Replay(null, null, log.Parse());
        IndexMapExtension ext = map.FindExtension("counter")!;
        Assert.Equal(8, ext.RecordSize);
        Assert.Equal(0x01020304UL, map.Records[0].ExtensionUInt64(ext, 0));
        Assert.Empty(map.Problems);
    }

    [Fact]
    public void Reset_clears_records_and_header_unless_preserved_and_atomic_increments_add()
    {
        var log = new LogBuilder();
        log.Append(1, 2);
        log.IntroNew("refs", 4, 4, 4);
        log.ExtHeader(0, LogBuilder.U32(77));
        log.ExtRecords((1, LogBuilder.U32(5)), (2, LogBuilder.U32(6)));
        log.AtomicInc(2, 10);
        IndexMap before = IndexMap.Replay(null, null, log.Parse());
        IndexMapExtension refs = before.FindExtension("refs")!;
        Assert.Equal(16u, before.Records[1].ExtensionUInt32(refs, 0));
        Assert.Equal(77u, BinaryPrimitives.ReadUInt32LittleEndian(refs.Header));

        long at = log.AtomicInc(1, -6);
        IndexMap underflow = IndexMap.Replay(null, null, log.Parse());
        Assert.Equal(("MapExtAtomicIncRange", at), (Assert.Single(underflow.Problems).Code, underflow.Problems[0].Offset));

        log.IntroId(0, 4, 4, 4);
        log.ExtReset(9);
        IndexMap reset = IndexMap.Replay(null, null, log.Parse());
        Assert.Equal(9u, reset.FindExtension("refs")!.ResetId);
        Assert.Equal(0u, reset.Records[1].ExtensionUInt32(reset.FindExtension("refs")!, 0));
        Assert.True(reset.FindExtension("refs")!.Header.IndexOfAnyExcept((byte)0) < 0);

        // The old reset_id no longer selects the extension: its updates are ignored.
        log.IntroId(0, 4, 4, 4, resetId: 0);
        log.ExtRecords((1, LogBuilder.U32(123)));
        IndexMap ignored = IndexMap.Replay(null, null, log.Parse());
        Assert.Equal(0u, ignored.Records[0].ExtensionUInt32(ignored.FindExtension("refs")!, 0));
    }

    [Fact]
    public void A_keyword_creates_the_keywords_extension_and_takes_the_next_extension_id()
    {
        var log = new LogBuilder();
        log.Append(1, 2);
        log.IntroNew("list", 16, 28, 4);
        log.KeywordAdd("$Label1", 2, 2);
        log.IntroNew("msgs", 0, 16, 4);
        log.IntroId(2, 0, 16, 4);
        log.ExtRecords((1, new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0 }));
        IndexMap map = IndexMap.Replay(null, null, log.Parse());
        Assert.Empty(map.Problems);
        Assert.Equal(new[] { "list", "keywords", "msgs" }, map.Extensions.Select(e => e.Name));
        Assert.Equal(9u, map.Records[0].ExtensionUInt32(map.FindExtension("msgs")!, 12));
        Assert.Equal(new[] { "$Label1" }, map.KeywordsOf(map.Records[1]));
        Assert.Empty(map.KeywordsOf(map.Records[0]));
    }

    [Fact]
    public void Expunge_requests_leave_records_and_external_expunges_remove_them()
    {
        var log = ValidList(out _);
        log.Add(TransactionLogRecordType.Expunge | TransactionLogRecordType.ExpungeProtection, LogBuilder.U32(3), LogBuilder.U32(3));
        Assert.NotNull(Read(log).Find("Work/Projects"));
        log.ExpungeExternal(3, 3);
        MailboxListIndex list = Read(log);
        Assert.Null(list.Find("Work/Projects"));
        Assert.Empty(list.Problems);
    }

    /// <summary>INBOX (uid 1, name 1), Work (uid 2, name 2) and Work/Projects (uid 3, name 3), Work with cached counts.</summary>
    internal static LogBuilder ValidList(out long recordsAt)
    {
        var log = new LogBuilder();
        log.IntroNew("list", 64, 28, 4);
        log.ExtHeader(0, LogBuilder.ListNames((1, "INBOX"), (2, "Work"), (3, "Projects")));
        log.HeaderUpdate(24, LogBuilder.U32(1700000000));
        log.Append(1, 2, 3);
        log.IntroId(0, 64, 28, 4);
        recordsAt = log.ExtRecords((1, LogBuilder.ListRecord(1, 0, 0x11, 100)), (2, LogBuilder.ListRecord(2, 0, 0x22, 200)), (3, LogBuilder.ListRecord(3, 2, 0x33, 300)));
        log.IntroNew("msgs", 0, 16, 4);
        log.ExtRecords((2, new byte[] { 5, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0 }));
        return log;
    }

    private static MailboxListIndex Read(LogBuilder log) =>
        MailboxListIndex.FromMap(IndexMap.Replay(null, null, log.Parse(File)), "dovecot.list.index");
}
