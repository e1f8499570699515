using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MailStorage.Core.Repair;
using Xunit;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// The uidlist rebuild's decisions on small hand-made files (the Dovecot-checked cases are in CorruptionTests): what
/// is kept, what is dropped, which UID a file keeps, and when it refuses.
/// </summary>
public sealed class UidListRebuildTests
{
    private const string Guid = "0123456789abcdef0123456789abcdef";
    private static readonly string[] Files = { "100.M1P1.host,S=10,W=12:2,S", "200.M2P2.host,S=20,W=22:2,", "300.M3P3.host,S=30,W=33", "400.M4P4.host,W=44:2,F" };

    [Fact]
    public void Sound_file_is_left_as_it_is()
    {
        string text = "3 V7 N5 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n3 :300.M3P3.host,S=30,W=33\n4 :400.M4P4.host,W=44\n";
        var outcome = Rebuild(text, indexUids: new uint[] { 1, 2, 3, 4 });
        Assert.False(outcome.Changed);
        Assert.Empty(outcome.Changes);
        Assert.Equal(text, Encoding.UTF8.GetString(outcome.Content));
    }

    [Fact]
    public void Extension_fields_and_unknown_header_fields_are_kept_invalid_ones_dropped()
    {
        string text = "3 V7 N5 G" + Guid + " Pxyz\n1 W12 GABCDEF :100.M1P1.host,S=10,W=12\n2 w22 :200.M2P2.host,S=20,W=22\n";
        var outcome = Rebuild(text, indexUids: new uint[] { 1, 2 }, files: Files.Take(2));
        Assert.Equal(
            "3 V7 N5 G" + Guid + " Pxyz\n1 W12 GABCDEF :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n",
            Encoding.UTF8.GetString(outcome.Content));
        Assert.Contains(outcome.Changes, c => c.Contains("invalid extension field dropped: 'w22'", StringComparison.Ordinal));
    }

    [Fact]
    public void Version_1_file_is_read_and_written_as_version_3()
    {
        var outcome = Rebuild("1 7 3\n1 100.M1P1.host,S=10,W=12\n2 200.M2P2.host,S=20,W=22\n", indexUids: new uint[] { 1, 2 }, files: Files.Take(2));
        Assert.Equal("3 V7 N3\n1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n", Encoding.UTF8.GetString(outcome.Content));
    }

    [Fact]
    public void Lost_header_takes_UIDVALIDITY_and_next_uid_from_the_index_and_keeps_the_first_line()
    {
        // The header line was overwritten by a record: it is kept as a record.
        var outcome = Rebuild("1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n", indexUids: new uint[] { 1, 2 }, files: Files.Take(2), indexUidValidity: 99, indexNextUid: 9);
        Assert.Equal("3 V99 N9\n1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n", Encoding.UTF8.GetString(outcome.Content));
    }

    [Fact]
    public void No_UIDVALIDITY_anywhere_is_refused()
    {
        var refused = Assert.Throws<RepairRefusedException>(() => Rebuild("garbage\n1 :100.M1P1.host,S=10,W=12\n", indexUids: Array.Empty<uint>(), files: Files.Take(1), indexUidValidity: 0));
        Assert.Equal(RepairRefusal.Unrepairable, refused.Refusal);
        Assert.Contains("/x/dovecot-uidlist", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unlisted_files_get_UIDs_from_the_highest_next_uid_in_name_order()
    {
        // N5 in the header, the index at 8: new UIDs start at 8.
        var outcome = Rebuild("3 V7 N5 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n", indexUids: new uint[] { 1 }, indexNextUid: 8);
        Assert.Equal(
            "3 V7 N11 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n8 :200.M2P2.host,S=20,W=22\n9 :300.M3P3.host,S=30,W=33\n10 :400.M4P4.host,W=44\n",
            Encoding.UTF8.GetString(outcome.Content));
    }

    [Fact]
    public void Same_file_on_two_lines_keeps_the_UID_the_index_has()
    {
        // Dovecot would keep the later line (uid 6); the index has uid 2 for that file.
        var outcome = Rebuild("3 V7 N7 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n6 :200.M2P2.host,S=20,W=22\n", indexUids: new uint[] { 1, 2 }, files: Files.Take(2));
        Assert.Equal("3 V7 N7 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n", Encoding.UTF8.GetString(outcome.Content));
    }

    [Fact]
    public void File_that_lost_its_UID_to_a_duplicate_gets_it_back_only_with_the_index_size_as_evidence()
    {
        const string text = "3 V7 N5 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n1 :200.M2P2.host,S=20,W=22\n3 :300.M3P3.host,S=30,W=33\n";
        var sizes = new Dictionary<uint, ulong> { [1] = 12, [2] = 22, [3] = 33 };
        var withSize = Rebuild(text, indexUids: new uint[] { 1, 2, 3 }, files: Files.Take(3), sizes: sizes);
        Assert.Contains("\n2 :200.M2P2.host,S=20,W=22\n", Encoding.UTF8.GetString(withSize.Content), StringComparison.Ordinal);

        // Another size recorded for uid 2: not the same message, so the file gets a new UID and uid 2 goes.
        sizes[2] = 999;
        var otherSize = Rebuild(text, indexUids: new uint[] { 1, 2, 3 }, files: Files.Take(3), sizes: sizes);
        Assert.Contains("\n5 :200.M2P2.host,S=20,W=22\n", Encoding.UTF8.GetString(otherSize.Content), StringComparison.Ordinal);
        Assert.DoesNotContain("\n2 :", Encoding.UTF8.GetString(otherSize.Content), StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_UID_goes_to_the_file_whose_size_the_index_has()
    {
        // Line 2 carries the UID 1 of line 3's file: the index's size for uid 1 (22) says it is 200.M2P2's.
        const string text = "3 V7 N5 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n1 :200.M2P2.host,S=20,W=22\n";
        var sizes = new Dictionary<uint, ulong> { [1] = 22 };
        var outcome = Rebuild(text, indexUids: new uint[] { 1 }, files: Files.Take(2), sizes: sizes);
        string content = Encoding.UTF8.GetString(outcome.Content);
        Assert.Contains("\n1 :200.M2P2.host,S=20,W=22\n", content, StringComparison.Ordinal);
        Assert.Contains("\n5 :100.M1P1.host,S=10,W=12\n", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Last_line_without_newline_is_kept_when_whole_completed_when_cut_in_its_name_dropped_otherwise()
    {
        string head = "3 V7 N5 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n";
        string whole = Encoding.UTF8.GetString(Rebuild(head + "3 :300.M3P3.host,S=30,W=33", indexUids: new uint[] { 1, 2, 3 }, files: Files.Take(3)).Content);
        Assert.EndsWith("\n3 :300.M3P3.host,S=30,W=33\n", whole, StringComparison.Ordinal);

        string cut = Encoding.UTF8.GetString(Rebuild(head + "3 :300.M3P3.ho", indexUids: new uint[] { 1, 2, 3 }, files: Files.Take(3)).Content);
        Assert.EndsWith("\n3 :300.M3P3.host,S=30,W=33\n", cut, StringComparison.Ordinal);

        // Cut so early that two unlisted files could be meant: not guessed; both get new UIDs.
        string ambiguous = Encoding.UTF8.GetString(Rebuild(head + "3 :", indexUids: new uint[] { 1, 2, 3 }, files: Files).Content);
        Assert.DoesNotContain("\n3 :", ambiguous, StringComparison.Ordinal);
        Assert.Contains("\n5 :300.M3P3.host,S=30,W=33\n", ambiguous, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_of_files_that_are_gone_are_kept_for_Dovecot_to_expunge()
    {
        string text = "3 V7 N9 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n7 :gone.M7P7.host\n2 :200.M2P2.host,S=20,W=22\n";
        var outcome = Rebuild(text, indexUids: new uint[] { 1, 2, 7 }, files: Files.Take(2));
        Assert.Equal("3 V7 N9 G" + Guid + "\n1 :100.M1P1.host,S=10,W=12\n2 :200.M2P2.host,S=20,W=22\n7 :gone.M7P7.host\n", Encoding.UTF8.GetString(outcome.Content));
        Assert.Contains("lines put back in UID order", outcome.Changes);
    }

    private static UidListRebuild.Outcome Rebuild(
        string text,
        IEnumerable<uint> indexUids,
        IEnumerable<string>? files = null,
        uint indexUidValidity = 7,
        uint indexNextUid = 0,
        IReadOnlyDictionary<uint, ulong>? sizes = null) =>
        UidListRebuild.Rebuild(
            new UidListRebuild.Input(
                Encoding.UTF8.GetBytes(text),
                indexUidValidity,
                indexNextUid,
                indexUids.ToHashSet(),
                (files ?? Files).ToList(),
                sizes ?? new Dictionary<uint, ulong>()),
            "/x/dovecot-uidlist");
}
