using System;
using System.Linq;
using Engine = MailStorage.Core.Repair;

namespace MailStorage.PowerShell;

/// <summary>
/// One action of <c>Repair-MailIndex</c> on one file: what was done (or, with <see cref="Action"/> Report, what was left
/// alone and why), the file before and after in short, where the original went, and every change as
/// <c>field old -> new</c>.
/// </summary>
/// <remarks>Built from the engine's objects, of which it keeps none (see <see cref="MailIndexLock"/> for why).</remarks>
public sealed class MailIndexRepair
{
    internal MailIndexRepair(Engine.RepairResult result, Core.Mailboxes.MailboxLocation mailbox)
    {
        Mailbox = mailbox.Name;
        IndexDirectory = mailbox.IndexDirectory;
        File = result.File;
        string name = System.IO.Path.GetFileName(result.File);
        Action = result.Action switch
        {
            Engine.RepairAction.TruncateLog => MailIndexRepairAction.TruncateLog,
            Engine.RepairAction.FixIndexHeader => MailIndexRepairAction.FixIndexHeader,
            Engine.RepairAction.RebuildUidList => MailIndexRepairAction.RebuildUidList,
            Engine.RepairAction.QuarantineFile when name == Core.Index.DovecotFileNames.IndexCache => MailIndexRepairAction.QuarantineCache,
            Engine.RepairAction.QuarantineFile => MailIndexRepairAction.QuarantineIndex,
            _ => MailIndexRepairAction.None,
        };
        Before = result.Before;
        After = result.After;
        QuarantinedTo = result.QuarantinedTo;
        Changes = result.Changes.ToArray();
    }

    internal MailIndexRepair(Engine.LeftAlone left, Core.Mailboxes.MailboxLocation mailbox)
    {
        Mailbox = mailbox.Name;
        IndexDirectory = mailbox.IndexDirectory;
        File = left.Damage.File;
        Action = MailIndexRepairAction.Report;
        Code = EngineEnum.Mirror<MailIndexDamageKind>(left.Damage.Code);
        Before = left.Damage.Message;
        After = "unchanged";
        Reason = left.Reason;
        Refusal = left.Refusal?.ToString();
        Changes = Array.Empty<string>();
    }

    /// <summary>The mailbox name (INBOX, Sent, A/B), or its index folder when no name was given.</summary>
    public string Mailbox { get; }

    /// <summary>The full path of the file acted on (or left alone).</summary>
    public string File { get; }

    /// <summary>TruncateLog, FixIndexHeader, QuarantineIndex, QuarantineCache, RebuildUidList; Report: left alone.</summary>
    public MailIndexRepairAction Action { get; }

    /// <summary>The file before, in short (<c>4660 bytes, 1 problem(s)</c>); for Report, the problem.</summary>
    public string Before { get; }

    /// <summary>The file after, in short; <c>unchanged</c> for Report.</summary>
    public string After { get; }

    /// <summary>The byte-for-byte copy of the original in the quarantine (owner, mode and times kept), or null.</summary>
    public string? QuarantinedTo { get; }

    /// <summary>Each change, e.g. <c>next_uid 0 -> 21</c>, <c>size 4660 -> 4648</c>.</summary>
    public string[] Changes { get; }

    /// <summary>For Report: the kind of problem left alone.</summary>
    public MailIndexDamageKind? Code { get; }

    /// <summary>For Report: why it was left alone (no automatic repair for it, or why the repair refused).</summary>
    public string? Reason { get; }

    /// <summary>For Report after a refusal: its stable code (SymbolicLink, DboxIndex, HardLinked, ...), else null.</summary>
    public string? Refusal { get; }

    /// <summary>The mailbox's index folder.</summary>
    public string IndexDirectory { get; }

    /// <summary><c>FixIndexHeader /path/dovecot.index: before -> after</c>.</summary>
    public override string ToString() => Action + " " + File + ": " + Before + " -> " + After;
}

/// <summary>What a bulk <c>Repair-MailIndex</c> run (-Recurse, or several mailboxes piped in) did, written last.</summary>
public sealed class MailIndexRepairSummary
{
    internal MailIndexRepairSummary(string path, bool whatIf)
    {
        Path = path;
        WhatIf = whatIf;
    }

    /// <summary>The mail root (or the first mailbox) of the run.</summary>
    public string Path { get; }

    /// <summary>Whether it was a -WhatIf run (nothing was changed: Repaired and Actions are 0, WouldRepair and PlannedActions count the plan).</summary>
    public bool WhatIf { get; }

    /// <summary>Mailboxes looked at.</summary>
    public int Mailboxes { get; internal set; }

    /// <summary>Mailboxes with nothing to repair.</summary>
    public int Sound { get; internal set; }

    /// <summary>Mailboxes with at least one file changed (0 with -WhatIf).</summary>
    public int Repaired { get; internal set; }

    /// <summary>Files changed, replaced or moved to quarantine (0 with -WhatIf).</summary>
    public int Actions { get; internal set; }

    /// <summary>With -WhatIf: mailboxes a run would repair (their plan has steps no check refuses).</summary>
    public int WouldRepair { get; internal set; }

    /// <summary>With -WhatIf: the repair steps planned over all mailboxes (a run may add steps for damage a first one uncovers).</summary>
    public int PlannedActions { get; internal set; }

    /// <summary>Problems left alone (Report objects written).</summary>
    public int LeftAlone { get; internal set; }

    /// <summary>Mailboxes that could not be repaired (lock not granted, I/O error): each also written as an error.</summary>
    public int Failed { get; internal set; }

    /// <summary>The quarantine folders the originals went to.</summary>
    public string[] QuarantinePaths { get; internal set; } = Array.Empty<string>();

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() =>
        Mailboxes + " mailboxes: " + Sound + " sound, " +
        (WhatIf ? WouldRepair + " would be repaired (" + PlannedActions + " planned actions), " : Repaired + " repaired (" + Actions + " actions), ") +
        LeftAlone + " problems left, " + Failed + " failed";
}
