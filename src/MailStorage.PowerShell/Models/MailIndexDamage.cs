using System;
using System.Globalization;
using Engine = MailStorage.Core.Verification;

namespace MailStorage.PowerShell;

/// <summary>
/// One problem <c>Test-MailIndex</c> found in a mailbox: where (file, byte offset), what kind, a message worded like
/// Dovecot's own, and the repair that would fix it. It also carries the mailbox's folders, so it can be piped on to a
/// command that takes IndexDirectory, ControlDirectory and MailDirectory by property name.
/// </summary>
/// <remarks>The engine's record is kept in a reference-typed field only (see <see cref="MailIndexLock"/> for why).</remarks>
public sealed class MailIndexDamage
{
    private readonly Engine.IndexDamage damage;

    internal MailIndexDamage(Engine.IndexDamage damage, Core.Mailboxes.MailboxLocation mailbox)
    {
        this.damage = damage;
        Mailbox = damage.Mailbox;
        File = damage.File;
        Code = EngineEnum.Mirror<MailIndexDamageKind>(damage.Code);
        Severity = EngineEnum.Mirror<MailIndexDamageSeverity>(damage.Severity);
        Offset = damage.Offset;
        Message = damage.Message;
        Repair = EngineEnum.Mirror<MailIndexRepairAction>(damage.Repair);
        RepairDescription = damage.RepairDescription;
        ConfirmedUnderLock = damage.ConfirmedUnderLock;
        IndexDirectory = mailbox.IndexDirectory;
        ControlDirectory = mailbox.ControlDirectory;
        MailDirectory = mailbox.MailDirectory;
        Format = mailbox.Format;
    }

    /// <summary>The mailbox name (INBOX, Sent, A/B), or its index folder when no name was given.</summary>
    public string Mailbox { get; }

    /// <summary>The full path of the file the problem is in.</summary>
    public string File { get; }

    /// <summary>The kind of problem.</summary>
    public MailIndexDamageKind Code { get; }

    /// <summary>Info, Warning or Error.</summary>
    public MailIndexDamageSeverity Severity { get; }

    /// <summary>Byte offset in <see cref="File"/>; null for problems of a whole file or between files.</summary>
    public long? Offset { get; }

    /// <summary>What is wrong, in the words Dovecot logs it with where it has them.</summary>
    public string Message { get; }

    /// <summary>Whether a repair can fix it without an administrator.</summary>
    public bool Repairable => Repair is not (MailIndexRepairAction.None or MailIndexRepairAction.Report);

    /// <summary>What a repair would do.</summary>
    public MailIndexRepairAction Repair { get; }

    /// <summary>The repair's change in detail (<c>next_uid 0 -> 24</c>), or why nothing can be done automatically.</summary>
    public string RepairDescription { get; }

    /// <summary>
    /// Whether the problem was found again with the mailbox locked as Dovecot's writers lock it, so it is in the files
    /// and not a change Dovecot was half-way through when they were read.
    /// </summary>
    public bool ConfirmedUnderLock { get; }

    /// <summary>The mailbox's index folder.</summary>
    public string IndexDirectory { get; }

    /// <summary>The mailbox's control folder (dovecot-uidlist).</summary>
    public string ControlDirectory { get; }

    /// <summary>The mailbox's Maildir.</summary>
    public string MailDirectory { get; }

    /// <summary>The mailbox format (maildir).</summary>
    public string Format { get; }

    /// <summary>The engine's record, for the cmdlets that act on it.</summary>
    internal Engine.IndexDamage Damage => damage;

    /// <summary><c>/path/dovecot.index (offset 28): Error IndexNextUidZero: next_uid=0</c>.</summary>
    public override string ToString() =>
        File + (Offset is { } offset ? " (offset " + offset.ToString(CultureInfo.InvariantCulture) + ")" : string.Empty) + ": " +
        Severity + " " + Code + ": " + Message;
}
