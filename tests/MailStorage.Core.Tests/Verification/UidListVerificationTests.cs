using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Tests.TestBeds;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// dovecot-uidlist and the Maildir damaged on copies of a mailbox Dovecot built. For the broken lines Dovecot logs
/// <c>Broken file &lt;path&gt; line N: &lt;reason&gt;</c> when it syncs (doveadm force-resync); for lost lines and
/// files it logs nothing at all and quietly renumbers: there the test shows the renumbering.
/// </summary>
public sealed class UidListVerificationTests : IClassFixture<DamageBed>
{
    private readonly DamageBed bed;
    private readonly ITestOutputHelper output;

    public UidListVerificationTests(DamageBed bed, ITestOutputHelper output)
    {
        this.bed = bed;
        this.output = output;
    }

    [Fact]
    public void Lines_out_of_order_are_worded_as_dovecot_logs_them()
    {
        using var copy = bed.Copy();
        (uint first, uint second) = Uids(copy, 4, 5);
        Damage.EditLines(copy.UidList, lines => (lines[3], lines[4]) = (lines[4], lines[3]));

        IndexDamage damage = Single(copy, IndexDamageKind.UidListNotOrdered);
        Assert.Equal(Damage.LineOffset(copy.UidList, 5), damage.Offset);
        Assert.Equal("line 5: UIDs not ordered (" + first + " >= " + second + ")", damage.Message);
        Assert.Equal(RecommendedRepair.RebuildUidList, damage.Repair);
        AssertDovecotLogs(copy, damage);
    }

    [Fact]
    public void Duplicate_uid_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        (uint first, uint second) = Uids(copy, 4, 5);
        Damage.EditLines(copy.UidList, lines => lines[4] = first + lines[4][second.ToString(System.Globalization.CultureInfo.InvariantCulture).Length..]);

        IndexDamage damage = Single(copy, IndexDamageKind.UidListDuplicateUid);
        Assert.Equal("line 5: UIDs not ordered (" + first + " >= " + first + ")", damage.Message);
        AssertDovecotLogs(copy, damage);
    }

    [Fact]
    public void Garbage_line_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        Damage.EditLines(copy.UidList, lines => lines[5] = "xx garbage");

        IndexDamage damage = Single(copy, IndexDamageKind.UidListSyntax);
        Assert.Equal(Damage.LineOffset(copy.UidList, 6), damage.Offset);
        Assert.Equal("line 6: Invalid data: xx garbage", damage.Message);
        AssertDovecotLogs(copy, damage);
    }

    [Fact]
    public void Broken_header_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        Damage.EditLines(copy.UidList, lines => lines[0] = lines[0].Replace(" V", " Vx", StringComparison.Ordinal));

        IndexDamage damage = Single(copy, IndexDamageKind.UidListHeaderBroken);
        Assert.Equal(0, damage.Offset);
        Assert.StartsWith("line 1: Invalid mailbox UID_VALIDITY: x", damage.Message, StringComparison.Ordinal);
        AssertDovecotLogs(copy, damage);
    }

    [Fact]
    public void Lost_line_is_found_before_dovecot_silently_renumbers_the_message()
    {
        using var copy = bed.Copy();
        List<uint> before = bed.Uids(copy);
        string line = File.ReadAllLines(copy.UidList)[6];
        uint uid = uint.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        string fileName = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..];
        Damage.EditLines(copy.UidList, lines => lines.RemoveAt(6));

        var damages = copy.Verify();
        IndexDamage missing = Single(damages, IndexDamageKind.IndexMessageMissingFromUidList);
        Assert.Equal(copy.UidList, missing.File);
        Assert.Null(missing.Offset);
        Assert.Equal("UID " + uid + " is in the index but has no line in dovecot-uidlist", missing.Message);
        IndexDamage orphan = Single(damages, IndexDamageKind.MessageMissingFromUidList);
        Assert.Equal(DamageSeverity.Warning, orphan.Severity);
        Assert.Contains("/" + fileName, orphan.File, StringComparison.Ordinal);

        // Dovecot says nothing; the message just has another UID afterwards.
        var run = bed.Dovecot(copy, "force-resync", "INBOX");
        Assert.DoesNotContain("Error:", run.Output, StringComparison.Ordinal);
        List<uint> after = bed.Uids(copy);
        output.WriteLine("UIDs before: " + string.Join(',', before) + "\nUIDs after:  " + string.Join(',', after));
        Assert.Contains(uid, before);
        Assert.DoesNotContain(uid, after);
        Assert.Equal(before.Count, after.Count);
        Assert.True(after.Max() > before.Max(), "the message came back with a new UID");
    }

    [Fact]
    public void Lost_last_line_leaves_next_uid_below_the_index()
    {
        using var copy = bed.Copy();
        Damage.EditLines(copy.UidList, lines => lines.RemoveAt(lines.Count - 1));

        var damages = copy.Verify();
        IndexDamage low = Single(damages, IndexDamageKind.UidListNextUidTooLow);
        Assert.Equal(DamageSeverity.Warning, low.Severity);
        Assert.Equal(0, low.Offset);
        Single(damages, IndexDamageKind.IndexMessageMissingFromUidList);
    }

    [Fact]
    public void Uidlist_of_another_uidvalidity_is_worded_as_dovecot_logs_it()
    {
        using var copy = bed.Copy();
        uint uidValidity = copy.ReadIndex().Header.UidValidity;
        Damage.EditLines(copy.UidList, lines => lines[0] = lines[0].Replace(" V" + uidValidity, " V" + (uidValidity + 7), StringComparison.Ordinal));

        IndexDamage damage = Single(copy, IndexDamageKind.UidValidityMismatch);
        Assert.Equal("UIDVALIDITY changed (" + uidValidity + " -> " + (uidValidity + 7) + ")", damage.Message);
        Assert.Contains("Maildir " + copy.Dir + ": " + damage.Message, bed.Dovecot(copy, "force-resync", "INBOX").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_uidlist_with_indexed_messages_is_an_error()
    {
        using var copy = bed.Copy();
        File.Delete(copy.UidList);

        IndexDamage damage = Single(copy, IndexDamageKind.UidListMissing);
        Assert.Equal(DamageSeverity.Error, damage.Severity);
        Assert.False(damage.Repairable);
    }

    [Fact]
    public void Message_file_gone_while_the_index_has_it_is_found_at_its_line()
    {
        using var copy = bed.Copy();
        string line = File.ReadAllLines(copy.UidList)[2];
        string baseName = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..];
        string file = Directory.EnumerateFiles(copy.Dir, baseName + "*", SearchOption.AllDirectories).Single();
        File.Delete(file);

        IndexDamage damage = Single(copy, IndexDamageKind.MessageFileMissing);
        Assert.Equal(Damage.LineOffset(copy.UidList, 3), damage.Offset);
        Assert.StartsWith("line 3: the file of UID ", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mail_delivered_to_new_without_a_line_is_only_information()
    {
        using var copy = bed.Copy();
        string delivered = Path.Combine(copy.Dir, "new", "1700000999.M1P1.elsewhere");
        File.WriteAllText(delivered, "Subject: late\n\nbody\n");

        IndexDamage damage = Single(copy, IndexDamageKind.MessageMissingFromUidList);
        Assert.Equal(DamageSeverity.Info, damage.Severity);
        Assert.Equal(delivered, damage.File);
        Assert.DoesNotContain(copy.Verify(), d => d.Severity > DamageSeverity.Info);
    }

    [Fact]
    public void Broken_keywords_line_is_a_warning_at_its_line()
    {
        using var copy = bed.Copy();
        string keywords = Path.Combine(copy.Dir, "dovecot-keywords");
        long end = new FileInfo(keywords).Length;
        File.AppendAllText(keywords, "x Important\n");

        IndexDamage damage = Single(copy, IndexDamageKind.KeywordsFileBroken);
        Assert.Equal(DamageSeverity.Warning, damage.Severity);
        Assert.Equal(end, damage.Offset);
        Assert.Equal("line 2: Invalid keyword index: x", damage.Message);
    }

    [Fact]
    public void Many_lost_lines_are_listed_up_to_the_limit_and_counted_after_it()
    {
        using var mailbox = DovecotMailbox.Create(1);
        for (int i = 0; i < 150; i++)
        {
            mailbox.DeliverToNew("many " + i);
        }

        Index.DovecotIndexInteropTests.Must(mailbox, "mailbox", "status", "messages", "INBOX");
        string uidList = Path.Combine(mailbox.Maildir, "dovecot-uidlist");
        Damage.EditLines(uidList, lines => lines.RemoveRange(1, lines.Count - 1));

        var damages = MailboxVerifier.Verify(new Mailboxes.MailboxLocation("INBOX", mailbox.Maildir, mailbox.Maildir, mailbox.Maildir, "maildir"));
        var lost = damages.Where(d => d.Code == IndexDamageKind.IndexMessageMissingFromUidList).ToList();
        Assert.Equal(MailboxVerification.PerKindLimit + 1, lost.Count);
        Assert.Equal("51 more problems of this kind are not listed", lost[^1].Message);
        Assert.Null(lost[^1].Offset);
        Assert.Equal(lost[0].Severity, lost[^1].Severity);

        // Every file has no line either: capped the same way.
        Assert.Equal(MailboxVerification.PerKindLimit + 1, damages.Count(d => d.Code == IndexDamageKind.MessageMissingFromUidList));
    }

    private static (uint First, uint Second) Uids(MailboxCopy copy, int line1, int line2)
    {
        string[] lines = File.ReadAllLines(copy.UidList);
        return (Uid(lines[line1 - 1]), Uid(lines[line2 - 1]));

        static uint Uid(string line) => uint.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Dovecot's sync reads the uidlist and logs "Broken file &lt;path&gt; &lt;our message&gt;".</summary>
    private void AssertDovecotLogs(MailboxCopy copy, IndexDamage damage)
    {
        string log = bed.Dovecot(copy, "force-resync", "INBOX").Output;
        output.WriteLine(log);
        Assert.Contains("Broken file " + copy.UidList + " " + damage.Message, log, StringComparison.Ordinal);
    }

    private IndexDamage Single(MailboxCopy copy, IndexDamageKind kind) => Single(copy.Verify(), kind);

    private IndexDamage Single(IReadOnlyList<IndexDamage> damages, IndexDamageKind kind)
    {
        foreach (IndexDamage damage in damages)
        {
            output.WriteLine(damage + " | " + damage.Repair + ": " + damage.RepairDescription);
        }

        var found = damages.Where(d => d.Code == kind).ToList();
        Assert.True(found.Count == 1, "expected one " + kind + ", found " + found.Count);
        return found[0];
    }
}
