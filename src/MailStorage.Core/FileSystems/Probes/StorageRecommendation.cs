using System;
using System.Collections.Generic;
using System.Linq;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>One Dovecot setting the probed storage needs, with the value and the reason.</summary>
public sealed class RecommendedSetting
{
    internal RecommendedSetting(string name, string value, string reason)
    {
        Name = name;
        Value = value;
        Reason = reason;
    }

    /// <summary>The setting's name, e.g. <c>mmap_disable</c>.</summary>
    public string Name { get; }

    /// <summary>The value to give it, as dovecot.conf writes it (<c>yes</c>, <c>fcntl</c>, <c>always</c>).</summary>
    public string Value { get; }

    /// <summary>Why, from the probe results.</summary>
    public string Reason { get; }

    /// <summary><c>name = value</c>.</summary>
    public override string ToString() => Name + " = " + Value;
}

/// <summary>
/// The settings the probed storage needs (mmap_disable, lock_method, dotlock_use_excl, mail_nfs_index,
/// mail_nfs_storage, mail_fsync), each with the reason taken from the probe results.
/// </summary>
public sealed class StorageRecommendation
{
    private StorageRecommendation(IReadOnlyList<RecommendedSetting> settings, bool testedAcrossMounts)
    {
        Settings = settings;
        TestedAcrossMounts = testedAcrossMounts;
    }

    /// <summary>The settings in the order above.</summary>
    public IReadOnlyList<RecommendedSetting> Settings { get; }

    /// <summary>Whether a PeerPath was probed (without one, nothing about other clients is known).</summary>
    public bool TestedAcrossMounts { get; }

    /// <summary>The recommended value of a setting; null when it is not one of the recommended settings.</summary>
    public string? this[string name] => Settings.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))?.Value;

    /// <summary>
    /// The recommendation as a storage profile's <c>requires:</c> entries, so the linter (rule MSD007) can hold a
    /// configuration to what this storage was measured to need.
    /// </summary>
    public IReadOnlyList<MailStorage.ConfigAnalyzer.Storage.StorageRequirement> ToRequirements(string source) =>
        Settings.Select(s => new MailStorage.ConfigAnalyzer.Storage.StorageRequirement(s.Name, s.Value, s.Reason, new MailStorage.ConfigAnalyzer.Syntax.SourceLocation(source, 0, 0))).ToList();

    /// <summary>The recommendation the results call for.</summary>
    public static StorageRecommendation From(IReadOnlyList<ProbeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);

        var byName = new Dictionary<string, ProbeResult>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            byName[result.Name] = result;
        }

        ProbeOutcome Of(string name) => byName.TryGetValue(name, out var r) ? r.Result : ProbeOutcome.Skipped;
        bool peer = new[] { ProbeNames.FcntlOfdLockAcrossMounts, ProbeNames.MmapCoherence, ProbeNames.AttributeStaleness }.Any(n => Of(n) != ProbeOutcome.Skipped);
        const string NotTested = " (not tested across mounts: no PeerPath; if other hosts use this storage, probe again with PeerPath on another client's mount)";

        var settings = new List<RecommendedSetting>();

        // mmap_disable
        var mmap = Of(ProbeNames.MmapCoherence);
        settings.Add(mmap switch
        {
            ProbeOutcome.Supported => new RecommendedSetting("mmap_disable", "no", "A mapping saw writes made through the other mount."),
            ProbeOutcome.Skipped => new RecommendedSetting("mmap_disable", "no", "Local mappings are coherent" + NotTested + "."),
            _ => new RecommendedSetting("mmap_disable", "yes", "A mapping did not see writes made through the other mount (" + Detail(byName, ProbeNames.MmapCoherence) + ")."),
        });

        // lock_method
        bool fcntlLocal = Of(ProbeNames.FcntlLock) == ProbeOutcome.Supported;
        bool flockLocal = Of(ProbeNames.Flock) == ProbeOutcome.Supported;
        bool fcntlAcross = Of(ProbeNames.FcntlLockAcrossMounts) == ProbeOutcome.Supported && Of(ProbeNames.FcntlOfdLockAcrossMounts) == ProbeOutcome.Supported;
        bool flockAcross = Of(ProbeNames.FlockAcrossMounts) == ProbeOutcome.Supported;
        if (peer)
        {
            settings.Add(fcntlAcross ? new RecommendedSetting("lock_method", "fcntl", "fcntl locks taken through one mount block the other mount.")
                : flockAcross ? new RecommendedSetting("lock_method", "flock", "fcntl locks do not reach the other mount, flock locks do.")
                : new RecommendedSetting("lock_method", "dotlock", "Neither fcntl nor flock locks taken through one mount block the other mount; only lock files work across clients."));
        }
        else
        {
            settings.Add(fcntlLocal ? new RecommendedSetting("lock_method", "fcntl", "fcntl locks are granted" + NotTested + ".")
                : flockLocal ? new RecommendedSetting("lock_method", "flock", "fcntl locks are refused, flock locks are granted" + NotTested + ".")
                : new RecommendedSetting("lock_method", "dotlock", "Neither fcntl nor flock locks are granted here."));
        }

        // dotlock_use_excl
        var excl = Of(ProbeNames.ExclusiveCreateRace);
        var link = Of(ProbeNames.LinkDotlockRace);
        settings.Add(excl == ProbeOutcome.Supported
            ? new RecommendedSetting("dotlock_use_excl", "yes", "O_EXCL creates had exactly one winner per round between two processes" + (peer ? " on two mounts." : "."))
            : link == ProbeOutcome.Supported
                ? new RecommendedSetting("dotlock_use_excl", "no", "O_EXCL creates did not exclude each other (" + Detail(byName, ProbeNames.ExclusiveCreateRace) + "); link() with the st_nlink check did.")
                : new RecommendedSetting("dotlock_use_excl", "yes", "Neither O_EXCL nor link() dotlocks were shown to exclude each other: do not rely on dotlocks here (Dovecot's default kept)."));

        // mail_nfs_storage, mail_nfs_index
        var staleness = Of(ProbeNames.AttributeStaleness);
        bool stale = staleness == ProbeOutcome.Degraded || staleness == ProbeOutcome.Unsupported;
        string staleDetail = Detail(byName, ProbeNames.AttributeStaleness);
        settings.Add(staleness switch
        {
            ProbeOutcome.Supported => new RecommendedSetting("mail_nfs_storage", "no", "The other mount saw size, mtime, content and unlinks at once."),
            ProbeOutcome.Skipped => new RecommendedSetting("mail_nfs_storage", "no", "Nothing to flush on one mount" + NotTested + "."),
            _ => new RecommendedSetting("mail_nfs_storage", "yes", "The other mount saw changes late: " + staleDetail + FlushNote(byName, ProbeNames.AttributeFlush)),
        });
        bool mmapOff = settings[0].Value == "yes";
        settings.Add(stale
            ? new RecommendedSetting("mail_nfs_index", "yes", "Indexes are read from other clients' stale caches otherwise; needs mmap_disable=yes" + (mmapOff ? " (recommended above)." : ".") + FlushNote(byName, ProbeNames.DataFlush))
            : new RecommendedSetting("mail_nfs_index", "no", staleness == ProbeOutcome.Skipped ? "Nothing to flush on one mount" + NotTested + "." : "The other mount saw index changes at once."));

        // mail_fsync
        settings.Add(peer && (stale || mmap != ProbeOutcome.Supported)
            ? new RecommendedSetting("mail_fsync", "always", "Other clients of this storage read what this host wrote only after it reaches the server: write it through at once.")
            : new RecommendedSetting("mail_fsync", "optimized", peer ? "The other mount saw writes at once (the same host or a coherent cluster filesystem)." : "Dovecot's default" + NotTested + "."));

        return new StorageRecommendation(settings, peer);
    }

    /// <summary>The settings as dovecot.conf lines.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Settings.Select(s => s.ToString()));

    private static string Detail(Dictionary<string, ProbeResult> byName, string name) =>
        byName.TryGetValue(name, out var result) ? result.Detail.TrimEnd('.') : "not run";

    private static string FlushNote(Dictionary<string, ProbeResult> byName, string name) =>
        byName.TryGetValue(name, out var result) && result.Result != ProbeOutcome.Skipped ? " Flush probe: " + result.Detail : string.Empty;
}
