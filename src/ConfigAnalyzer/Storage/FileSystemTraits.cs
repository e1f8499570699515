using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>Whether a lock kind excludes processes on other hosts.</summary>
public enum CrossHostLocking
{
    /// <summary>Locks only exclude processes on the same host.</summary>
    No,
    /// <summary>Locks exclude other hosts.</summary>
    Yes,
    /// <summary>Only when the NFS lock manager (lockd/statd) runs on client and server.</summary>
    WithLockd,
    /// <summary>The filesystem is not shared between hosts: the question does not arise.</summary>
    NotShared,
}

/// <summary>What a kind of filesystem can and cannot do for Dovecot, with the sources that say so.</summary>
public sealed class FileSystemTraits
{
    internal FileSystemTraits(FileSystemKind kind, string description)
    {
        Kind = kind;
        Description = description;
    }

    /// <summary>The kind these traits describe.</summary>
    public FileSystemKind Kind { get; }

    /// <summary>A short name for messages, e.g. "NFSv3".</summary>
    public string Description { get; }

    /// <summary>Several hosts can mount the same data.</summary>
    public bool Shared { get; internal set; }

    /// <summary>Data survives a reboot (false for tmpfs).</summary>
    public bool Durable { get; internal set; } = true;

    /// <summary>A mapping on one host sees writes made by another host.</summary>
    public bool MmapCoherent { get; internal set; } = true;

    /// <summary>fcntl (POSIX) locks across hosts.</summary>
    public CrossHostLocking Fcntl { get; internal set; } = CrossHostLocking.NotShared;

    /// <summary>flock locks across hosts.</summary>
    public CrossHostLocking Flock { get; internal set; } = CrossHostLocking.NotShared;

    /// <summary>O_CREAT|O_EXCL is atomic, so Dovecot's default dotlocks (dotlock_use_excl=yes) are safe.</summary>
    public bool ExclusiveCreateAtomic { get; internal set; } = true;

    /// <summary>File names may contain ':' (Maildir flags, Dovecot's temp names).</summary>
    public bool ColonInNames { get; internal set; } = true;

    /// <summary>A file held open may be renamed over or removed.</summary>
    public bool RenameOpenFiles { get; internal set; } = true;

    /// <summary>Other hosts see attribute and directory changes late (client caches).</summary>
    public bool StaleAttributes { get; internal set; }

    /// <summary>Where these facts come from.</summary>
    public IReadOnlyList<string> Sources { get; internal set; } = System.Array.Empty<string>();
}
