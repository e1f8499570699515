using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailStorage.Core.Index;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Reporting;
using MailStorage.Core.Verification;

namespace MailStorage.Core.Repair;

/// <summary>How <see cref="MailboxRepairer"/> runs: the lock, where originals go, and whether to change anything.</summary>
public sealed class MailboxRepairOptions
{
    /// <summary>
    /// The lock settings as the configuration gives them (<see cref="MailboxLockOptions.FromConfig"/>); the repairer
    /// makes them exclusive and adds the uidlist dotlock for Maildir (<see cref="MailIndexRepair.LockOptionsFor"/>).
    /// </summary>
    public MailboxLockOptions Lock { get; init; } = new();

    /// <summary>
    /// The quarantine root; null: <see cref="Quarantine.DefaultRoot"/>. Refused before the lock is taken when it is
    /// inside the mail tree or has a symbolic link in it (see <see cref="Quarantine"/>).
    /// </summary>
    public string? QuarantineRoot { get; init; }

    /// <summary>
    /// Further folders of the mail tree the quarantine must stay out of, beside the mailbox's own (with -Recurse: the
    /// mail root, INDEX= and CONTROL= roots).
    /// </summary>
    public IReadOnlyList<string?> MailRoots { get; init; } = Array.Empty<string?>();

    /// <summary>Verify and plan only: no lock is taken and nothing is written.</summary>
    public bool WhatIf { get; init; }

    /// <summary>Called after each action is applied (the crash helper reports its steps from here).</summary>
    public Action<RepairResult>? OnApplied { get; init; }

    /// <summary>The clock (tests).</summary>
    public Func<DateTimeOffset>? Clock { get; init; }

    /// <summary>Told which files are read and which locks are taken; null: nobody listens.</summary>
    public IActivityLog? Log { get; init; }
}

/// <summary>One step of a repair plan: which primitive, on which file, and the damages that call for it.</summary>
/// <param name="Step">The primitive.</param>
/// <param name="File">The full path of the file it acts on.</param>
/// <param name="Reasons">The damages the step repairs (empty for a follow-up such as the header fix after a log cut).</param>
/// <param name="Description">What the step would do, in words (for -WhatIf and ShouldProcess).</param>
public sealed record PlannedRepair(RepairStep Step, string File, IReadOnlyList<IndexDamage> Reasons, string Description);

/// <summary>The repair primitives in the order a plan applies them.</summary>
public enum RepairStep
{
    /// <summary><see cref="MailIndexRepair.RebuildUidList"/>: first, since the uidlist is what keeps each message's UID.</summary>
    RebuildUidList,

    /// <summary><see cref="MailIndexRepair.CutTransactionLog"/> of dovecot.index.log.2.</summary>
    CutLog2,

    /// <summary><see cref="MailIndexRepair.CutTransactionLog"/> of dovecot.index.log.</summary>
    CutLog,

    /// <summary><see cref="MailIndexRepair.FixIndexHeader"/>.</summary>
    FixIndexHeader,

    /// <summary><see cref="MailIndexRepair.QuarantineIndexFile"/> of dovecot.index.</summary>
    QuarantineIndex,

    /// <summary><see cref="MailIndexRepair.QuarantineIndexFile"/> of dovecot.index.cache.</summary>
    QuarantineCache,
}

/// <summary>A damage the repair did not fix, and why (a refusal, or no automatic repair for its kind).</summary>
/// <param name="Damage">The damage as verification found it.</param>
/// <param name="Reason">Why it was left alone.</param>
/// <param name="Refusal">The refusal code when a primitive refused (a symlink, a dbox index...), else null.</param>
public sealed record LeftAlone(IndexDamage Damage, string Reason, RepairRefusal? Refusal);

/// <summary>What one repair of one mailbox found, planned, did and left.</summary>
public sealed class MailboxRepairReport
{
    internal MailboxRepairReport(MailboxLocation mailbox, bool whatIf)
    {
        Mailbox = mailbox;
        WhatIf = whatIf;
    }

    /// <summary>The mailbox.</summary>
    public MailboxLocation Mailbox { get; }

    /// <summary>Whether this was a plan only (nothing locked or written).</summary>
    public bool WhatIf { get; }

    /// <summary>What verification found before the repair (under the lock).</summary>
    public IReadOnlyList<IndexDamage> Found { get; internal set; } = Array.Empty<IndexDamage>();

    /// <summary>The plan made from <see cref="Found"/>.</summary>
    public IReadOnlyList<PlannedRepair> Plan { get; internal set; } = Array.Empty<PlannedRepair>();

    /// <summary>The actions applied, in order (none for -WhatIf); those that changed nothing are included.</summary>
    public List<RepairResult> Actions { get; } = new();

    /// <summary>
    /// Damages not repaired that verification still finds after the repair (for -WhatIf: all it would leave): no
    /// automatic repair for them, or a primitive refused.
    /// </summary>
    public List<LeftAlone> Left { get; } = new();

    /// <summary>What verification finds after the repair (empty for -WhatIf).</summary>
    public IReadOnlyList<IndexDamage> Remaining { get; internal set; } = Array.Empty<IndexDamage>();

    /// <summary>The quarantine folder the originals went to, or null when nothing was copied.</summary>
    public string? QuarantinePath { get; internal set; }

    /// <summary>Temporary files of earlier, killed repairs that were removed.</summary>
    public IReadOnlyList<string> RemovedTemporaries { get; internal set; } = Array.Empty<string>();

    /// <summary>Whether any file was changed.</summary>
    public bool Changed => Actions.Any(a => a.Changed);
}

/// <summary>
/// Repairs one mailbox end to end: takes its lock (the configured lock_method, exclusive, with the uidlist dotlock for
/// Maildir), verifies it with <see cref="MailboxVerifier"/>, plans from each damage's <see cref="RecommendedRepair"/>,
/// applies the plan with <see cref="MailIndexRepair"/>'s primitives (every original to the quarantine first), and
/// verifies again. Only what verification found is repaired; damages without an automatic repair, and those a
/// primitive refuses (a symbolic link, a dbox index), are left as they are and returned in
/// <see cref="MailboxRepairReport.Left"/>. A plan (<see cref="MailboxRepairOptions.WhatIf"/>) makes the same checks as a
/// run (<see cref="RepairPreflight"/>): a folder that is no mailbox or is a symbolic link, or a linked dovecot.index.log,
/// is refused before the lock is taken, and steps on a linked or hard-linked file are left out of the plan.
/// </summary>
public static class MailboxRepairer
{
    /// <summary>How many rounds of verify and repair one run makes at most.</summary>
    public const int MaxPasses = 3;

    /// <summary>
    /// The plan for <paramref name="damages"/> of <paramref name="mailbox"/>, in the order it is applied: the uidlist
    /// first (it is what keeps each message's UID when Dovecot rebuilds an index), then the logs (.log.2, .log), then
    /// dovecot.index (a header fix, or a quarantine when Dovecot cannot use it, which makes a header fix moot), then
    /// the cache. A log cut is followed by a header fix, since the index's log position may lie past the cut.
    /// Damages no step covers are returned in <paramref name="left"/>.
    /// </summary>
    public static IReadOnlyList<PlannedRepair> MakePlan(MailboxLocation mailbox, IReadOnlyList<IndexDamage> damages, out IReadOnlyList<LeftAlone> left)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(damages);
        string index = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.Index);
        string log = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.IndexLog);
        string log2 = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.IndexLog2);
        string cache = Path.Combine(mailbox.IndexDirectory, DovecotFileNames.IndexCache);
        string uidList = Path.Combine(mailbox.ControlDirectory, DovecotFileNames.UidList);
        bool maildir = string.Equals(mailbox.Format, "maildir", StringComparison.OrdinalIgnoreCase);

        var steps = new SortedDictionary<RepairStep, (string File, List<IndexDamage> Reasons)>();
        var leftAlone = new List<LeftAlone>();
        void Want(RepairStep step, string file, IndexDamage? reason)
        {
            if (!steps.TryGetValue(step, out var entry))
            {
                entry = (file, new List<IndexDamage>());
                steps[step] = entry;
            }

            if (reason != null)
            {
                entry.Reasons.Add(reason);
            }
        }

        foreach (IndexDamage damage in damages)
        {
            switch (damage.Repair)
            {
                case RecommendedRepair.None:
                    break;
                case RecommendedRepair.RebuildUidList when maildir:
                    Want(RepairStep.RebuildUidList, uidList, damage);
                    break;
                case RecommendedRepair.TruncateLog when damage.File == log2:
                    Want(RepairStep.CutLog2, log2, damage);
                    break;
                case RecommendedRepair.TruncateLog when damage.File == log:
                    Want(RepairStep.CutLog, log, damage);
                    break;
                case RecommendedRepair.FixIndexHeader:
                    Want(RepairStep.FixIndexHeader, index, damage);
                    break;
                case RecommendedRepair.QuarantineIndex:
                    Want(RepairStep.QuarantineIndex, index, damage);
                    break;
                case RecommendedRepair.QuarantineCache:
                    Want(RepairStep.QuarantineCache, cache, damage);
                    break;

                // A log of another index (restored from a backup, or recreated by another host): Dovecot would drop
                // the log and with it the changes the index does not hold yet. Dropping the index instead lets
                // Dovecot rebuild it from that log, dovecot-uidlist and the file names, which keeps them; the cache
                // belongs to the dropped index and goes with it.
                case RecommendedRepair.QuarantineLog when damage.Code == IndexDamageKind.LogIndexIdMismatch && damage.File == log && maildir:
                    Want(RepairStep.QuarantineIndex, index, damage);
                    Want(RepairStep.QuarantineCache, cache, damage);
                    break;
                case RecommendedRepair.QuarantineLog:
                    leftAlone.Add(new LeftAlone(damage, "no automatic repair: Dovecot replaces such a log itself when it opens the mailbox (" + damage.RepairDescription + ")", null));
                    break;
                default:
                    leftAlone.Add(new LeftAlone(damage, damage.Repair == RecommendedRepair.Report ? damage.RepairDescription : "no automatic repair for " + damage.Repair + " on " + mailbox.Format, null));
                    break;
            }
        }

        if (steps.ContainsKey(RepairStep.QuarantineIndex))
        {
            // The index goes: its header needs no fix, and the reasons for one are covered by the quarantine.
            if (steps.Remove(RepairStep.FixIndexHeader, out var fix))
            {
                steps[RepairStep.QuarantineIndex].Reasons.AddRange(fix.Reasons);
            }
        }
        else if (steps.ContainsKey(RepairStep.CutLog) || steps.ContainsKey(RepairStep.CutLog2))
        {
            Want(RepairStep.FixIndexHeader, index, null);
        }

        left = leftAlone;
        return steps.Select(s => new PlannedRepair(s.Key, s.Value.File, s.Value.Reasons, Describe(s.Key, s.Value.Reasons))).ToList();
    }

    /// <summary>
    /// Repairs <paramref name="mailbox"/> (see the class). Lock failures (busy, timed out) throw
    /// <see cref="TimeoutException"/>; I/O failures stay <see cref="IOException"/>s; refusals of single steps are
    /// returned in the report, not thrown. A refused quarantine root (in the mail tree, a symbolic link in its path, not
    /// a folder) throws a <see cref="RepairRefusedException"/> before the lock is taken.
    /// </summary>
    public static MailboxRepairReport Repair(MailboxLocation mailbox, MailboxRepairOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(options);
        var report = new MailboxRepairReport(mailbox, options.WhatIf);

        // The same checks for a plan and for a run, before the lock (taking it creates files in the mailbox's folders).
        using RepairPreflight preflight = RepairPreflight.Check(mailbox);
        if (options.WhatIf)
        {
            report.Found = MailboxVerifier.Verify(mailbox, options.Log);
            report.Plan = MakePlan(mailbox, report.Found, out IReadOnlyList<LeftAlone> planLeft);
            report.Left.AddRange(planLeft);
            report.Plan = preflight.Screen(report.Plan, report);
            return report;
        }

        // Before the lock and before anything is created: a quarantine Dovecot would see, or one reached through a link.
        string quarantineRoot = Quarantine.Check(options.QuarantineRoot ?? Quarantine.DefaultRoot, Quarantine.MailTreeOf(mailbox, options.MailRoots));
        MailboxLockOptions lockOptions = MailIndexRepair.LockOptionsFor(mailbox, options.Lock);
        MailboxLockAttempt attempt = MailboxLock.Acquire(mailbox.IndexDirectory, lockOptions, cancellationToken);
        using MailboxLock held = attempt.Lock ?? throw new TimeoutException(attempt.Describe() + " [lock_method=" + lockOptions.Method.ToString().ToLowerInvariant() + "]");
        preflight.EnsureUnchanged();
        options.Log?.Write("Locked: " + held);

        // Verified again under the lock: what a lockless look saw may have been a write in progress.
        report.Found = MailboxVerifier.Verify(mailbox, options.Log);
        report.Plan = MakePlan(mailbox, report.Found, out IReadOnlyList<LeftAlone> left);
        report.Left.AddRange(left);
        report.Plan = preflight.Screen(report.Plan, report);
        if (report.Plan.Count == 0)
        {
            report.Remaining = report.Found;
            return report;
        }

        using (Quarantine quarantine = Quarantine.Under(quarantineRoot, options.Clock))
        using (MailIndexRepair repair = MailIndexRepair.Begin(mailbox, held, quarantine, options.Clock))
        {
            report.RemovedTemporaries = repair.RemovedTemporaries.ToList();
            bool indexGone = false;
            IReadOnlyList<PlannedRepair> current = report.Plan;
            var unhelpful = new HashSet<RepairStep>();
            for (int pass = 1; ; pass++)
            {
                foreach (PlannedRepair step in current)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (step.Step == RepairStep.FixIndexHeader && indexGone)
                    {
                        continue;
                    }

                    IReadOnlyList<RepairResult> results = Apply(repair, step, report, ref indexGone);
                    if (!results.Any(r => r.Changed))
                    {
                        unhelpful.Add(step.Step);
                    }

                    foreach (RepairResult result in results)
                    {
                        report.Actions.Add(result);
                        options.OnApplied?.Invoke(result);
                    }
                }

                // One damage can hide another: with next_uid 0 in the index, a uidlist whose next UID is too low
                // cannot be told from a sound one until the header is fixed. So verify again, and repair what shows
                // now, a few times at most; a step that changed nothing or was refused is not tried again.
                report.Remaining = MailboxVerifier.Verify(mailbox);
                if (pass == MaxPasses)
                {
                    break;
                }

                current = MakePlan(mailbox, report.Remaining, out IReadOnlyList<LeftAlone> more)
                    .Where(p => !unhelpful.Contains(p.Step) && !report.Left.Any(l => l.Refusal != null && p.Reasons.Contains(l.Damage)))
                    .ToList();
                foreach (LeftAlone l in more.Where(m => !report.Left.Any(k => k.Damage.File == m.Damage.File && k.Damage.Code == m.Damage.Code)))
                {
                    report.Left.Add(l);
                }

                current = preflight.Screen(current, report);

                if (current.Count == 0)
                {
                    break;
                }

                report.Plan = report.Plan.Concat(current).ToList();
            }

            report.QuarantinePath = quarantine.Path;
        }

        // What the repair mended on the way (a uidlist line completed also ends the index's complaint about its UID)
        // is not left: only what verification still finds is.
        // A refusal of a step no damage asked for (the header fix after a log cut) is kept: -WhatIf reports it too.
        var still = report.Remaining.Select(d => (d.File, d.Code)).ToHashSet();
        report.Left.RemoveAll(l => !still.Contains((l.Damage.File, l.Damage.Code)) && !(l.Refusal != null && l.Damage.Code == IndexDamageKind.OtherProblem));
        return report;
    }

    private static IReadOnlyList<RepairResult> Apply(MailIndexRepair repair, PlannedRepair step, MailboxRepairReport report, ref bool indexGone)
    {
        try
        {
            switch (step.Step)
            {
                case RepairStep.RebuildUidList:
                    return new[] { repair.RebuildUidList() };
                case RepairStep.CutLog2:
                    return new[] { repair.CutTransactionLog(DovecotFileNames.IndexLog2) };
                case RepairStep.CutLog:
                    return new[] { repair.CutTransactionLog(DovecotFileNames.IndexLog) };
                case RepairStep.QuarantineIndex:
                    indexGone = true;
                    return new[] { repair.QuarantineIndexFile(DovecotFileNames.Index) };
                case RepairStep.QuarantineCache:
                    return new[] { repair.QuarantineIndexFile(DovecotFileNames.IndexCache) };
                default:
                    break;
            }

            try
            {
                return new[] { repair.FixIndexHeader() };
            }
            catch (RepairRefusedException ex) when (ex.Refusal == RepairRefusal.Unrepairable)
            {
                // The header fix would give messages new UIDs (records cut off that the uidlist still knows), or
                // Dovecot cannot use the index at all: then the index goes, and Dovecot rebuilds it from the log,
                // dovecot-uidlist and the file names, which keeps every UID. QuarantineIndexFile refuses dbox.
                var results = new List<RepairResult> { Note(repair, step.File, "header fix refused: " + ex.Message) };
                indexGone = true;
                results.Add(repair.QuarantineIndexFile(DovecotFileNames.Index));
                return results;
            }
        }
        catch (RepairRefusedException ex) when (ex.Refusal is not (RepairRefusal.LockNotHeld or RepairRefusal.QuarantineFailed or RepairRefusal.QuarantineInsideMailTree or RepairRefusal.QuarantinePathSymbolicLink or RepairRefusal.QuarantinePathNotFolder))
        {
            RepairPreflight.LeaveAlone(report, step, ex);
            return Array.Empty<RepairResult>();
        }
    }

    private static RepairResult Note(MailIndexRepair repair, string file, string why) =>
        new(repair.Mailbox.IndexDirectory, file, RepairAction.None, why, "quarantined instead", null, Array.Empty<string>());

    private static string Describe(RepairStep step, List<IndexDamage> reasons)
    {
        string what = step switch
        {
            RepairStep.RebuildUidList => "rebuild dovecot-uidlist keeping every UID",
            RepairStep.CutLog2 => "cut dovecot.index.log.2 after its last whole record",
            RepairStep.CutLog => "cut dovecot.index.log after its last whole record",
            RepairStep.FixIndexHeader => "fix dovecot.index's header as Dovecot's fsck does",
            RepairStep.QuarantineIndex => "move dovecot.index to quarantine (Dovecot rebuilds it)",
            _ => "move dovecot.index.cache to quarantine (Dovecot starts a new one)",
        };
        return reasons.Count == 0 ? what + " (follows the log cut)" : what + ": " + string.Join("; ", reasons.Select(r => r.Code + " " + r.RepairDescription).Distinct().Take(5));
    }
}
