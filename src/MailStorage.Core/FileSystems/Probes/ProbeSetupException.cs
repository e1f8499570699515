using System;
using System.IO;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>Why probes could not start at all.</summary>
public enum ProbeSetupError
{
    /// <summary>Path (or PeerPath) does not exist.</summary>
    PathNotFound,

    /// <summary>Path (or PeerPath) is a file, not a folder.</summary>
    PathIsFile,

    /// <summary>No folder can be created under Path: read-only filesystem or no permission.</summary>
    PathReadOnly,

    /// <summary>A file created through Path did not appear through PeerPath.</summary>
    PeerNotSameStorage,
}

/// <summary>The probes could not start: the path is missing, a file, read-only, or PeerPath shows other storage.</summary>
public sealed class ProbeSetupException : IOException
{
    /// <summary>A setup failure.</summary>
    public ProbeSetupException(ProbeSetupError error, string path, string message)
        : base(message)
    {
        Error = error;
        Path = path;
    }

    /// <summary>Not used; a setup failure always has a reason and a path.</summary>
    public ProbeSetupException()
        : this(ProbeSetupError.PathNotFound, string.Empty, "The probes could not start.")
    {
    }

    /// <summary>Not used; a setup failure always has a reason and a path.</summary>
    public ProbeSetupException(string message)
        : this(ProbeSetupError.PathNotFound, string.Empty, message)
    {
    }

    /// <summary>Not used; a setup failure always has a reason and a path.</summary>
    public ProbeSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>What is wrong.</summary>
    public ProbeSetupError Error { get; }

    /// <summary>The path it is wrong with.</summary>
    public string Path { get; }
}
