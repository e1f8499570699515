using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>One mount of a storage profile: where it is, what filesystem, with which options.</summary>
public sealed class MountDefinition
{
    /// <summary>Creates a mount.</summary>
    public MountDefinition(string path, string typeName, IReadOnlyList<string> options, SourceLocation location)
    {
        Path = path.Length > 1 ? path.TrimEnd('/') : path;
        TypeName = typeName;
        Options = options;
        Location = location;
        Kind = FileSystemCatalog.ParseKind(typeName);
        Traits = FileSystemCatalog.Describe(Kind, options);
    }

    /// <summary>The mount point, without a trailing slash.</summary>
    public string Path { get; }

    /// <summary>The type as written (nfs4, fuse.glusterfs, ...).</summary>
    public string TypeName { get; }

    /// <summary>The kind the type names.</summary>
    public FileSystemKind Kind { get; }

    /// <summary>Mount options as written.</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>What this mount can do, options considered.</summary>
    public FileSystemTraits Traits { get; }

    /// <summary>Where the mount is described in the profile.</summary>
    public SourceLocation Location { get; }

    /// <summary>Whether <paramref name="path"/> lies on this mount (the mount point itself or below it).</summary>
    public bool Contains(string path) =>
        Path == "/" || path == Path || path.StartsWith(Path + "/", System.StringComparison.Ordinal);

    /// <summary>Value of a <c>name=value</c> option, or null.</summary>
    public string? Option(string name) => FileSystemCatalog.OptionValue(Options, name);

    /// <summary>Whether a flag option is present.</summary>
    public bool HasOption(string name) => FileSystemCatalog.HasOption(Options, name);

    /// <inheritdoc />
    public override string ToString() => Path + " (" + Traits.Description + ")";
}
