using System;
using System.IO;
using System.Linq;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// A mailbox file with another hard link (planted by whoever can write the folder, or left by a careless backup) is
/// never changed: cutting it in place would change the other name too, and a rename over it or a removal would leave
/// the other name holding the damage while the repair says it is gone. Every primitive refuses it before copying or
/// writing anything (<see cref="RepairRefusal.HardLinked"/>), the file keeps its bytes, inode, link count and times,
/// and the repairer reports it left alone, the same way in a plan (-WhatIf) and in a run.
/// </summary>
public sealed class HardLinkRepairTests : IClassFixture<RepairTemplate>
{
    private readonly RepairTemplate template;
    private readonly ITestOutputHelper output;

    public HardLinkRepairTests(RepairTemplate template, ITestOutputHelper output)
    {
        this.template = template;
        this.output = output;
    }

    public static TheoryData<string, string> Primitives() => new()
    {
        { "FixIndexHeader", "dovecot.index" },
        { "QuarantineIndexFile", "dovecot.index" },
        { "QuarantineIndexFile", "dovecot.index.cache" },
        { "RebuildUidList", "dovecot-uidlist" },
        { "CutTransactionLog", "dovecot.index.log" },
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void Primitive_refuses_a_hard_linked_file_before_copying_or_writing_it(string primitive, string name)
    {
        using RepairMailbox mailbox = template.Clone();
        Damage damage = name switch
        {
            "dovecot.index" => Damage.IndexNextUidZero,
            "dovecot.index.cache" => Damage.CacheGarbage,
            "dovecot-uidlist" => Damage.UidListOutOfOrder,
            _ => Damage.LogGarbageAtEof,
        };
        CorruptionGenerator.Apply(damage, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string other = HardLink(mailbox, name);
        string before = Snapshot(mailbox.FileOf(name));

        using var quarantine = Quarantine.Under(CorruptionTests.QuarantineRoot(mailbox));
        using (var held = mailbox.Lock())
        using (var repair = MailIndexRepair.Begin(mailbox.Location, held, quarantine))
        {
            Func<RepairResult> action = primitive switch
            {
                "FixIndexHeader" => repair.FixIndexHeader,
                "QuarantineIndexFile" => () => repair.QuarantineIndexFile(name),
                "RebuildUidList" => repair.RebuildUidList,
                _ => () => repair.CutTransactionLog(),
            };
            var refused = Assert.Throws<RepairRefusedException>(() => action());
            output.WriteLine(refused.Message);
            Assert.Equal(RepairRefusal.HardLinked, refused.Refusal);
            Assert.Contains(mailbox.FileOf(name), refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, Snapshot(mailbox.FileOf(name)));
        Assert.Equal(before, Snapshot(other));
        Assert.Null(quarantine.Path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Repairer_leaves_a_hard_linked_index_alone_and_reports_it_in_a_plan_as_in_a_run(bool whatIf)
    {
        using RepairMailbox mailbox = template.Clone();
        CorruptionGenerator.Apply(Damage.IndexNextUidZero, mailbox.Maildir, CorruptionTests.Outside(mailbox));
        string other = HardLink(mailbox, "dovecot.index");
        string before = Snapshot(mailbox.FileOf("dovecot.index"));

        MailboxRepairReport report = MailboxRepairer.Repair(mailbox.Location, new MailboxRepairOptions
        {
            WhatIf = whatIf,
            QuarantineRoot = CorruptionTests.QuarantineRoot(mailbox),
            Lock = new MailStorage.Core.Locking.MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) },
        });
        foreach (LeftAlone left in report.Left)
        {
            output.WriteLine("left: " + left.Damage + " (" + left.Refusal + ": " + left.Reason + ")");
        }

        LeftAlone refused = Assert.Single(report.Left, l => l.Damage.File == mailbox.FileOf("dovecot.index"));
        Assert.Equal(RepairRefusal.HardLinked, refused.Refusal);
        Assert.Equal(IndexDamageKind.IndexNextUidZero, refused.Damage.Code);
        Assert.Empty(report.Plan);
        Assert.DoesNotContain(report.Actions, a => a.Changed);
        Assert.Null(report.QuarantinePath);
        Assert.Equal(before, Snapshot(mailbox.FileOf("dovecot.index")));
        Assert.Equal(before, Snapshot(other));
        Assert.False(Directory.Exists(CorruptionTests.QuarantineRoot(mailbox)));
    }

    /// <summary>A second name for the mailbox's file, outside the mailbox folder.</summary>
    internal static string HardLink(RepairMailbox mailbox, string name)
    {
        string other = Path.Combine(mailbox.Root, "hard-link-of-" + name);
        TestCommand.Must("ln", mailbox.FileOf(name), other);
        return other;
    }

    /// <summary>Content hash, inode, link count, size, owner, mode and times (mtime and ctime to the nanosecond).</summary>
    internal static string Snapshot(string path) =>
        CorruptionTests.Sha256(File.ReadAllBytes(path)) + " " + TestCommand.Must("stat", "-c", "inode %i links %h %s %u:%g %a %y %z", path).Trim();
}
