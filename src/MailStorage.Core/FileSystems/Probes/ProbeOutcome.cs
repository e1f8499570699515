namespace MailStorage.Core.FileSystems.Probes;

/// <summary>What a probe found the storage does.</summary>
public enum ProbeOutcome
{
    /// <summary>It works as Dovecot needs.</summary>
    Supported,

    /// <summary>It does not work; a Dovecot setting must work around it.</summary>
    Unsupported,

    /// <summary>It works late or partly (stale for a while, a workaround needed, a risk).</summary>
    Degraded,

    /// <summary>Not tested; the detail says why (usually: no PeerPath).</summary>
    Skipped,
}
