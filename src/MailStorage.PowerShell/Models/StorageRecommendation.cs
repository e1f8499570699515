using System;
using System.Collections.Specialized;
using System.Linq;
using Found = MailStorage.Core.FileSystems.Probes;

namespace MailStorage.PowerShell;

/// <summary>
/// The summary of <c>Test-MailStorageCapability</c>: the values the probed storage needs for Dovecot's mmap_disable,
/// lock_method, dotlock_use_excl, mail_nfs_index, mail_nfs_storage and mail_fsync, each with its reason.
/// </summary>
public sealed class StorageRecommendation
{
    internal StorageRecommendation(Found.StorageRecommendation recommendation, string path, string? peerPath)
    {
        Measured = recommendation;
        MmapDisable = recommendation["mmap_disable"] ?? string.Empty;
        LockMethod = recommendation["lock_method"] ?? string.Empty;
        DotlockUseExcl = recommendation["dotlock_use_excl"] ?? string.Empty;
        MailNfsIndex = recommendation["mail_nfs_index"] ?? string.Empty;
        MailNfsStorage = recommendation["mail_nfs_storage"] ?? string.Empty;
        MailFsync = recommendation["mail_fsync"] ?? string.Empty;
        Settings = new OrderedDictionary();
        Reasons = new OrderedDictionary();
        foreach (var setting in recommendation.Settings)
        {
            Settings[setting.Name] = setting.Value;
            Reasons[setting.Name] = setting.Reason;
        }

        TestedAcrossMounts = recommendation.TestedAcrossMounts;
        Path = path;
        PeerPath = peerPath;
    }

    /// <summary>mmap_disable: <c>yes</c> when a mapping missed another client's writes.</summary>
    public string MmapDisable { get; }

    /// <summary>lock_method: <c>fcntl</c>, <c>flock</c> or <c>dotlock</c>.</summary>
    public string LockMethod { get; }

    /// <summary>dotlock_use_excl: <c>yes</c> when O_EXCL creates exclude each other.</summary>
    public string DotlockUseExcl { get; }

    /// <summary>mail_nfs_index.</summary>
    public string MailNfsIndex { get; }

    /// <summary>mail_nfs_storage.</summary>
    public string MailNfsStorage { get; }

    /// <summary>mail_fsync: <c>optimized</c> or <c>always</c>.</summary>
    public string MailFsync { get; }

    /// <summary>Setting name to recommended value, in the order above.</summary>
    public OrderedDictionary Settings { get; }

    /// <summary>Setting name to the reason for its value.</summary>
    public OrderedDictionary Reasons { get; }

    /// <summary>Whether a PeerPath was probed; without one nothing about other clients is known.</summary>
    public bool TestedAcrossMounts { get; }

    // What the probes found, for Test-MailStorageConfig and Export-MailStorageProfile -Recommendation.
    internal Found.StorageRecommendation Measured { get; }

    /// <summary>The settings as a storage profile's requires: entries.</summary>
    internal System.Collections.Generic.IReadOnlyList<ConfigAnalyzer.Storage.StorageRequirement> ToRequirements() =>
        Measured.ToRequirements("Test-MailStorageCapability " + Path + (PeerPath != null ? " -PeerPath " + PeerPath : string.Empty));

    /// <summary>The folder probed.</summary>
    public string Path { get; }

    /// <summary>The same folder through another mount; null when none was given.</summary>
    public string? PeerPath { get; }

    /// <summary>The settings as dovecot.conf lines.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Settings.Keys.Cast<string>().Select(k => k + " = " + Settings[k]));
}
