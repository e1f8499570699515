using System.Collections.Specialized;
using Found = MailStorage.Core.FileSystems.Probes;

namespace MailStorage.PowerShell;

/// <summary>
/// One finding of <c>Test-MailStorageCapability</c>: which probe, what it found, the Dovecot setting it bears on,
/// what was seen, and the figures measured.
/// </summary>
public sealed class ProbeResult
{
    internal ProbeResult(Found.ProbeResult result, string path, string? peerPath)
    {
        Name = result.Name;
        Result = (ProbeOutcome)(int)result.Result;
        Setting = result.Setting;
        Detail = result.Detail;
        Measurements = new OrderedDictionary();
        foreach (var pair in result.Measurements)
        {
            Measurements[pair.Key] = pair.Value;
        }

        Path = path;
        PeerPath = peerPath;
    }

    /// <summary>The probe, e.g. <c>fcntl lock across mounts</c>.</summary>
    public string Name { get; }

    /// <summary>What the probe found.</summary>
    public ProbeOutcome Result { get; }

    /// <summary>The Dovecot setting the finding bears on (lock_method, mmap_disable, dotlock_use_excl, mail_nfs_storage, ...).</summary>
    public string Setting { get; }

    /// <summary>What was seen, in words.</summary>
    public string Detail { get; }

    /// <summary>The figures measured, in order; each name ends with its unit (<c>lock wait after release ms</c>).</summary>
    public OrderedDictionary Measurements { get; }

    /// <summary>The folder probed.</summary>
    public string Path { get; }

    /// <summary>The same folder through another mount; null when none was given.</summary>
    public string? PeerPath { get; }

    /// <summary><c>name: Result</c>.</summary>
    public override string ToString() => Name + ": " + Result;
}

/// <summary>What a probe found the storage does.</summary>
public enum ProbeOutcome
{
    /// <summary>It works as Dovecot needs.</summary>
    Supported = Found.ProbeOutcome.Supported,

    /// <summary>It does not work; a Dovecot setting must work around it.</summary>
    Unsupported = Found.ProbeOutcome.Unsupported,

    /// <summary>It works late or partly.</summary>
    Degraded = Found.ProbeOutcome.Degraded,

    /// <summary>Not tested; the detail says why.</summary>
    Skipped = Found.ProbeOutcome.Skipped,
}
