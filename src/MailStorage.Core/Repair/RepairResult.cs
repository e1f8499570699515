using System;
using System.Collections.Generic;

namespace MailStorage.Core.Repair;

/// <summary>What a repair primitive did to one file (what a problem called for is <see cref="Verification.RecommendedRepair"/>).</summary>
public enum RepairAction
{
    /// <summary>Nothing: the file needed no repair (or was not there).</summary>
    None,

    /// <summary>The transaction log was cut at the end of its last whole record.</summary>
    TruncateLog,

    /// <summary>Header fields of dovecot.index were recomputed the way Dovecot's fsck does, and the file replaced.</summary>
    FixIndexHeader,

    /// <summary>The file was moved to the quarantine; Dovecot rebuilds it (dovecot.index, dovecot.index.cache).</summary>
    QuarantineFile,

    /// <summary>dovecot-uidlist was rebuilt keeping every message's UID, and replaced.</summary>
    RebuildUidList,
}

/// <summary>
/// The typed result of one repair action: which mailbox and file, what was done, the state before and after in
/// words, where the original went, and every change as <c>field old -> new</c> (Dovecot's fsck wording).
/// </summary>
public sealed class RepairResult
{
    /// <summary>Creates a result.</summary>
    public RepairResult(string mailbox, string file, RepairAction action, string before, string after, string? quarantinedTo, IReadOnlyList<string> changes)
    {
        Mailbox = mailbox;
        File = file;
        Action = action;
        Before = before;
        After = after;
        QuarantinedTo = quarantinedTo;
        Changes = changes ?? Array.Empty<string>();
    }

    /// <summary>The mailbox's index directory.</summary>
    public string Mailbox { get; }

    /// <summary>The file repaired (full path).</summary>
    public string File { get; }

    /// <summary>What was done (<see cref="RepairAction.None"/> when nothing was needed).</summary>
    public RepairAction Action { get; }

    /// <summary>The file before, in short (<c>4660 bytes, 1 problem</c>).</summary>
    public string Before { get; }

    /// <summary>The file after, in short.</summary>
    public string After { get; }

    /// <summary>The byte-for-byte copy of the original in the quarantine, or null when nothing was changed.</summary>
    public string? QuarantinedTo { get; }

    /// <summary>Each change, e.g. <c>next_uid 0 -> 21</c>, <c>size 4660 -> 4648</c>.</summary>
    public IReadOnlyList<string> Changes { get; }

    /// <summary>Whether anything was changed.</summary>
    public bool Changed => Action != RepairAction.None;

    /// <inheritdoc/>
    public override string ToString() =>
        Action + " " + File + ": " + Before + " -> " + After + (Changes.Count > 0 ? " (" + string.Join("; ", Changes) + ")" : string.Empty);
}
