using System;
using System.IO;

namespace MailStorage.Core.Repair;

/// <summary>Why a repair would not touch a file (a stable code for error ids; the message names the file).</summary>
public enum RepairRefusal
{
    /// <summary>The name is a symbolic link: repairs never follow or replace one.</summary>
    SymbolicLink,

    /// <summary>The name is not a regular file (a directory, a device, a FIFO...).</summary>
    NotRegularFile,

    /// <summary>The file has more than one hard link, so changing it in place would change another name too.</summary>
    HardLinked,

    /// <summary>The file changed (or was replaced) after it was read and quarantined: someone else writes it.</summary>
    ChangedDuringRepair,

    /// <summary>The mailbox lock is not held (or was lost), so Dovecot could be writing.</summary>
    LockNotHeld,

    /// <summary>sdbox and mdbox indexes hold data found nowhere else; they are never dropped.</summary>
    DboxIndex,

    /// <summary>The file cannot be repaired by this action (Dovecot would drop it: use another action).</summary>
    Unrepairable,

    /// <summary>The quarantine copy could not keep the owner, mode or content of the original.</summary>
    QuarantineFailed,

    /// <summary>A name that is not a plain file name in the directory (holds '/', is '.' or '..').</summary>
    BadName,

    /// <summary>The folder is not a Dovecot mailbox at all (no index, log, uidlist or mail folders in it).</summary>
    NotAMailbox,

    /// <summary>The quarantine path is inside a mailbox or a mail tree, where Dovecot lists, renames and deletes folders.</summary>
    QuarantineInsideMailTree,

    /// <summary>A component of the quarantine path is a symbolic link: a repair never follows one to its quarantine.</summary>
    QuarantinePathSymbolicLink,

    /// <summary>A component of the quarantine path exists and is not a folder (a file, a device...).</summary>
    QuarantinePathNotFolder,
}

/// <summary>
/// A repair refused to go on, before it changed anything it could not account for: the message names the file and
/// the reason; <see cref="Refusal"/> is stable for error ids. I/O failures stay <see cref="IOException"/>s from the
/// interop layer.
/// </summary>
public sealed class RepairRefusedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RepairRefusedException(RepairRefusal refusal, string path, string message)
        : base(message)
    {
        Refusal = refusal;
        Path = path;
    }

    /// <summary>Creates the exception (for serializers and analyzers; use the other constructor).</summary>
    public RepairRefusedException()
        : this(RepairRefusal.Unrepairable, string.Empty, "The repair was refused.")
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers; use the other constructor).</summary>
    public RepairRefusedException(string message)
        : this(RepairRefusal.Unrepairable, string.Empty, message)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers; use the other constructor).</summary>
    public RepairRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Why.</summary>
    public RepairRefusal Refusal { get; }

    /// <summary>The file or directory concerned.</summary>
    public string Path { get; }
}
