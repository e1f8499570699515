using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.Core.FileSystems;

/// <summary>What <see cref="ProfileExporter"/> made: the profile, what it was made from, and what it left out and why.</summary>
public sealed class ProfileExport
{
    internal ProfileExport(StorageProfile profile, IReadOnlyList<DetectedFileSystem> fileSystems, IReadOnlyList<string> warnings)
    {
        Profile = profile;
        FileSystems = fileSystems;
        Warnings = warnings;
    }

    /// <summary>The storage profile: one mount per distinct mount point the paths are on.</summary>
    public StorageProfile Profile { get; }

    /// <summary>The detection of every path, in the order asked.</summary>
    public IReadOnlyList<DetectedFileSystem> FileSystems { get; }

    /// <summary>Paths that could not be placed and mounts left out, each with the reason.</summary>
    public IReadOnlyList<string> Warnings { get; }
}
