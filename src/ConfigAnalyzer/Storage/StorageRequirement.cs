using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>
/// A Dovecot setting the storage is known to need, with the reason: written into a profile's <c>requires:</c>
/// from what Test-MailStorageCapability measured, and checked against the configuration by rule MSD007.
/// </summary>
public sealed class StorageRequirement
{
    /// <summary>Creates a requirement.</summary>
    public StorageRequirement(string setting, string value, string reason, SourceLocation location)
    {
        Setting = setting;
        Value = value;
        Reason = reason;
        Location = location;
    }

    /// <summary>The root setting, e.g. <c>mmap_disable</c>.</summary>
    public string Setting { get; }

    /// <summary>The value it needs, as dovecot.conf writes it.</summary>
    public string Value { get; }

    /// <summary>Why (what was measured).</summary>
    public string Reason { get; }

    /// <summary>Where the requirement is written in the profile.</summary>
    public SourceLocation Location { get; }

    /// <inheritdoc />
    public override string ToString() => Setting + " = " + Value;
}
