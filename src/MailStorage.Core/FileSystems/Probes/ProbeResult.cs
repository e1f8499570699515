using System;
using System.Collections.Generic;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>One probe's finding: what was tried, what was seen, the figures measured, and the Dovecot setting it bears on.</summary>
public sealed class ProbeResult
{
    /// <summary>A finding.</summary>
    /// <param name="name">The probe's name, one of <see cref="ProbeNames"/>.</param>
    /// <param name="result">What the probe found.</param>
    /// <param name="setting">The Dovecot setting the finding bears on, e.g. <c>lock_method</c>.</param>
    /// <param name="detail">What was seen, in words.</param>
    /// <param name="measurements">Figures, the unit last in each name (<c>lock wait after release ms</c>).</param>
    public ProbeResult(string name, ProbeOutcome result, string setting, string detail, IReadOnlyDictionary<string, double>? measurements = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Result = result;
        Setting = setting ?? string.Empty;
        Detail = detail ?? string.Empty;
        Measurements = measurements ?? new Dictionary<string, double>();
    }

    /// <summary>The probe's name, one of <see cref="ProbeNames"/>.</summary>
    public string Name { get; }

    /// <summary>What the probe found.</summary>
    public ProbeOutcome Result { get; }

    /// <summary>The Dovecot setting the finding bears on (lock_method, mmap_disable, dotlock_use_excl, mail_nfs_storage, ...).</summary>
    public string Setting { get; }

    /// <summary>What was seen, in words.</summary>
    public string Detail { get; }

    /// <summary>Figures measured, in the order measured; each name ends with its unit (<c>size visible after ms</c>).</summary>
    public IReadOnlyDictionary<string, double> Measurements { get; }

    /// <summary><c>name: Result (setting): detail</c>.</summary>
    public override string ToString() => Name + ": " + Result + " (" + Setting + "): " + Detail;
}
