using System.Collections.Generic;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>The names of the probes, in the order <see cref="CapabilityProber"/> runs them.</summary>
public static class ProbeNames
{
    /// <summary>An fcntl open-file-description lock (F_OFD_SETLK) is granted.</summary>
    public const string FcntlOfdLock = "fcntl OFD lock";

    /// <summary>An OFD lock held through Path blocks an OFD lock tried through PeerPath.</summary>
    public const string FcntlOfdLockAcrossMounts = "fcntl OFD lock across mounts";

    /// <summary>A classic fcntl lock (F_SETLK, Dovecot's lock_method=fcntl) is granted.</summary>
    public const string FcntlLock = "fcntl lock";

    /// <summary>A classic fcntl lock held through Path blocks an OFD lock tried through PeerPath.</summary>
    public const string FcntlLockAcrossMounts = "fcntl lock across mounts";

    /// <summary>flock(2) (lock_method=flock) is granted.</summary>
    public const string Flock = "flock";

    /// <summary>A flock held through Path blocks a flock tried through PeerPath.</summary>
    public const string FlockAcrossMounts = "flock across mounts";

    /// <summary>Two processes racing to create the same file with O_EXCL: exactly one wins (dotlock_use_excl=yes).</summary>
    public const string ExclusiveCreateRace = "O_EXCL create race";

    /// <summary>Two processes racing with link() and an st_nlink check: exactly one wins (dotlock_use_excl=no).</summary>
    public const string LinkDotlockRace = "link dotlock race";

    /// <summary>A file held open is renamed over: the descriptor keeps reading the old file.</summary>
    public const string RenameOverOpenFile = "rename over open file";

    /// <summary>A file held open is unlinked: the descriptor still reads it.</summary>
    public const string UnlinkOpenFile = "unlink open file";

    /// <summary>Re-opening through PeerPath a name the other mount replaced: ESTALE or old content.</summary>
    public const string StaleHandleOnReopen = "ESTALE on re-open";

    /// <summary>File names with ':' and the other characters CIFS refuses.</summary>
    public const string FileNameCharacters = "file name characters";

    /// <summary>A mapping through Path sees a write made through PeerPath.</summary>
    public const string MmapCoherence = "mmap coherence";

    /// <summary>Milliseconds until PeerPath sees size, mtime, content and an unlink made through Path.</summary>
    public const string AttributeStaleness = "attribute staleness";

    /// <summary>Which of the attribute flushes Dovecot's mail_nfs_* use makes PeerPath's attributes fresh at once.</summary>
    public const string AttributeFlush = "attribute cache flush";

    /// <summary>Which data flush makes PeerPath read fresh content at once.</summary>
    public const string DataFlush = "data cache flush";

    /// <summary>The mtime of a file just written against this host's clock.</summary>
    public const string ClockSkew = "clock skew";

    /// <summary>Every probe name, in run order.</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        FcntlOfdLock, FcntlOfdLockAcrossMounts, FcntlLock, FcntlLockAcrossMounts, Flock, FlockAcrossMounts,
        ExclusiveCreateRace, LinkDotlockRace, RenameOverOpenFile, UnlinkOpenFile, StaleHandleOnReopen,
        FileNameCharacters, MmapCoherence, AttributeStaleness, AttributeFlush, DataFlush, ClockSkew,
    };
}
