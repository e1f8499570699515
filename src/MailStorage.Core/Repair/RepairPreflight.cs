using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Verification;

namespace MailStorage.Core.Repair;

/// <summary>
/// The checks <see cref="MailboxRepairer"/> makes before a repair and before its plan alike, so that -WhatIf promises
/// only what the run will do and refuses what it will refuse, the same way: the folder must be a mailbox
/// (<see cref="MailboxLocator.WhyNotAMailbox"/>); its index, control and mail folders must not be symbolic links and
/// dovecot.index.log must not be one either, checked before the lock is taken, since taking it creates
/// dovecot-uidlist.lock in the control folder and opens the log (nothing may be created or opened through a link);
/// and each planned step whose file is a link, not a regular file or hard-linked, or that would move a dbox index away,
/// is taken out of the plan and left alone with that refusal (<see cref="SafeFileWriter.RefusalFor"/> and
/// <see cref="MailIndexRepair.DboxEvidence"/>, which the primitives apply again).
/// </summary>
internal sealed class RepairPreflight : IDisposable
{
    private readonly MailboxLocation mailbox;
    private readonly List<MailboxDirectory> opened;
    private readonly MailboxDirectory index;
    private readonly MailboxDirectory control;
    private readonly MailboxDirectory mail;

    private RepairPreflight(MailboxLocation mailbox, List<MailboxDirectory> opened, MailboxDirectory index, MailboxDirectory control, MailboxDirectory mail)
    {
        this.mailbox = mailbox;
        this.opened = opened;
        this.index = index;
        this.control = control;
        this.mail = mail;
    }

    /// <summary>
    /// Checks <paramref name="mailbox"/> (see the class) and keeps its folders open; a refusal is a
    /// <see cref="RepairRefusedException"/> (NotAMailbox, SymbolicLink, NotRegularFile).
    /// </summary>
    public static RepairPreflight Check(MailboxLocation mailbox)
    {
        if (MailboxLocator.WhyNotAMailbox(mailbox) is string why)
        {
            throw new RepairRefusedException(RepairRefusal.NotAMailbox, mailbox.IndexDirectory, why);
        }

        var opened = new List<MailboxDirectory>();
        try
        {
            // MailboxDirectory.Open refuses a folder that is a link (O_NOFOLLOW), as MailIndexRepair.Begin does.
            MailboxDirectory Open(string path)
            {
                MailboxDirectory dir = MailboxDirectory.Open(path);
                opened.Add(dir);
                return dir;
            }

            MailboxDirectory index = Open(mailbox.IndexDirectory);
            MailboxDirectory control = Same(mailbox.ControlDirectory, mailbox.IndexDirectory) ? index : Open(mailbox.ControlDirectory);
            MailboxDirectory mail = Same(mailbox.MailDirectory, mailbox.IndexDirectory) ? index
                : Same(mailbox.MailDirectory, mailbox.ControlDirectory) ? control
                : Open(mailbox.MailDirectory);

            // The lock opens dovecot.index.log (O_NOFOLLOW, so a link fails there, but only after the uidlist dotlock
            // was made): refuse it here, the same way for -WhatIf and for the run.
            if (index.Stat(DovecotFileNames.IndexLog) is { } log && SafeFileWriter.RefusalFor(log, index.PathOf(DovecotFileNames.IndexLog)) is { } refused &&
                refused.Refusal != RepairRefusal.HardLinked)
            {
                throw refused;
            }

            return new RepairPreflight(mailbox, opened, index, control, mail);
        }
        catch
        {
            foreach (MailboxDirectory dir in opened)
            {
                dir.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Refuses when a folder checked before the lock is no longer the same directory (swapped for a link or another
    /// folder while the lock was being taken).
    /// </summary>
    public void EnsureUnchanged()
    {
        foreach (MailboxDirectory dir in opened)
        {
            using MailboxDirectory now = MailboxDirectory.Open(dir.Path);
            if (now.Status.Device != dir.Status.Device || now.Status.Inode != dir.Status.Inode)
            {
                throw new RepairRefusedException(RepairRefusal.ChangedDuringRepair, dir.Path, dir.Path + " was replaced by another folder while the mailbox lock was being taken; nothing was repaired.");
            }
        }
    }

    /// <summary>
    /// <paramref name="plan"/> without the steps whose file a primitive would refuse (a link, not a regular file, other
    /// hard links); each such step's damages go to <paramref name="report"/>'s Left with the refusal, once per file.
    /// </summary>
    public IReadOnlyList<PlannedRepair> Screen(IReadOnlyList<PlannedRepair> plan, MailboxRepairReport report)
    {
        var kept = new List<PlannedRepair>(plan.Count);
        foreach (PlannedRepair step in plan)
        {
            MailboxDirectory dir = step.Step == RepairStep.RebuildUidList ? control : index;
            FileStatus? status = dir.Stat(Path.GetFileName(step.File));
            RepairRefusedException? refused = status == null ? null : SafeFileWriter.RefusalFor(status, step.File);
            if (refused == null && (step.Step is RepairStep.QuarantineIndex or RepairStep.QuarantineCache) &&
                MailIndexRepair.DboxEvidence(mailbox.Format, mail, index) is string dbox)
            {
                refused = MailIndexRepair.DboxRefusal(step.File, dbox);
            }
            if (refused == null)
            {
                kept.Add(step);
                continue;
            }

            if (!report.Left.Any(l => l.Refusal == refused.Refusal && l.Damage.File == step.File))
            {
                LeaveAlone(report, step, refused);
            }
        }

        return kept;
    }

    /// <summary>Puts the damages <paramref name="step"/> would have repaired in the report's Left, with the refusal.</summary>
    internal static void LeaveAlone(MailboxRepairReport report, PlannedRepair step, RepairRefusedException refused)
    {
        IEnumerable<IndexDamage> reasons = step.Reasons.Count > 0 ? step.Reasons : report.Found.Where(d => d.File == step.File);
        foreach (IndexDamage damage in reasons.Where(d => !report.Left.Any(l => l.Damage == d)))
        {
            report.Left.Add(new LeftAlone(damage, refused.Message, refused.Refusal));
        }

        if (!reasons.Any())
        {
            report.Left.Add(new LeftAlone(
                new IndexDamage(report.Mailbox.Name, step.File, IndexDamageKind.OtherProblem, DamageSeverity.Warning, null, refused.Message, RecommendedRepair.Report, step.Description),
                refused.Message,
                refused.Refusal));
        }
    }

    /// <summary>Closes the folders.</summary>
    public void Dispose()
    {
        foreach (MailboxDirectory dir in opened)
        {
            dir.Dispose();
        }
    }

    private static bool Same(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);
}
