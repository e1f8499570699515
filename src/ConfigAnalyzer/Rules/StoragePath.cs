using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>What Dovecot keeps at a path of a mail location.</summary>
public enum StoragePathRole
{
    /// <summary>The mails (the location's root).</summary>
    Mail,
    /// <summary>Index files (INDEX=, else the root).</summary>
    Index,
    /// <summary>Control files: dovecot-uidlist, dovecot-keywords, subscriptions (CONTROL=, else the root).</summary>
    Control,
    /// <summary>Lock files and other short-lived files (VOLATILEDIR=).</summary>
    Volatile,
    /// <summary>The mailbox list index when LISTINDEX= names a directory.</summary>
    ListIndex,
    /// <summary>Alternative storage for dbox (ALT=).</summary>
    Alt,
}

/// <summary>
/// A path of a mail location, and the mount of the storage profile it lands on. Paths hold %-variables
/// and ~; only the part before the first variable decides the mount, and a path whose mount depends on a
/// variable or on the user's home is left unresolved, with the reason.
/// </summary>
public sealed class StoragePath
{
    internal StoragePath(StoragePathRole role, string template, MailLocation location, string origin, SourceLocation at, MountDefinition? mount, string? unresolved)
    {
        Role = role;
        Template = template;
        MailLocation = location;
        Origin = origin;
        Location = at;
        Mount = mount;
        Unresolved = unresolved;
    }

    /// <summary>What is kept there.</summary>
    public StoragePathRole Role { get; }

    /// <summary>The path as configured (unexpanded), or MEMORY.</summary>
    public string Template { get; }

    /// <summary>The mail location it belongs to.</summary>
    public MailLocation MailLocation { get; }

    /// <summary>Which setting holds it: <c>mail_location</c> or <c>namespace inbox { location }</c>.</summary>
    public string Origin { get; }

    /// <summary>Where that setting is assigned.</summary>
    public SourceLocation Location { get; }

    /// <summary>The profile mount it lands on; null when unresolved or not under any mount.</summary>
    public MountDefinition? Mount { get; }

    /// <summary>Why the mount could not be told, or null.</summary>
    public string? Unresolved { get; }

    /// <summary>Indexes kept in memory (INDEX=MEMORY).</summary>
    public bool IsMemory => Template == "MEMORY";

    /// <summary>The filesystem traits of its mount, when known.</summary>
    public FileSystemTraits? Traits => Mount?.Traits;

    /// <summary>Lands on storage several hosts share.</summary>
    public bool IsShared => Mount?.Traits.Shared == true;

    /// <inheritdoc />
    public override string ToString() => Role + " " + Template + (Mount != null ? " on " + Mount : string.Empty);
}
