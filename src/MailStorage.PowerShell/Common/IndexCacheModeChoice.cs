using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.Caching;
using MailStorage.Core.FileSystems;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// Which <see cref="IndexCacheMode"/> a cmdlet reads a mailbox index with: the one given (-CacheMode, or CacheMode of
/// a piped object), else the one Dovecot would use for the configuration (mmap_disable, mail_nfs_index) and the
/// filesystem the index folder is on (<see cref="IndexCacheModes.ForConfig"/>).
/// </summary>
internal sealed class IndexCacheModeChoice
{
    private readonly DovecotConfig? config;
    private IReadOnlyList<MountInfoEntry>? mounts;

    private IndexCacheModeChoice(DovecotConfig? config) => this.config = config;

    /// <summary>
    /// Reads <paramref name="configPath"/> once (terminating errors <c>&lt;prefix&gt;ConfigFileNotFound</c>,
    /// <c>&lt;prefix&gt;ConfigPathIsDirectory</c>, <c>&lt;prefix&gt;ConfigParseFailed</c>), or chooses by filesystem alone without one.
    /// </summary>
    public static IndexCacheModeChoice Create(PSCmdlet cmdlet, string? configPath, string errorPrefix)
    {
        if (configPath == null)
        {
            return new IndexCacheModeChoice(null);
        }

        var config = ConfigFileArgument.Read(cmdlet, configPath, errorPrefix + "Config", errorPrefix + "ConfigParseFailed", out _);

        return new IndexCacheModeChoice(config);
    }

    /// <summary>The mode for the index folder <paramref name="indexDirectory"/>: <paramref name="given"/>, or the one Dovecot would use.</summary>
    public IndexCacheMode For(MailIndexCacheMode? given, string indexDirectory)
    {
        if (given.HasValue)
        {
            return (IndexCacheMode)(int)given.Value;
        }

        DetectedFileSystem? fs = Detect(indexDirectory);
        IndexCacheMode mode = IndexCacheModes.ForConfig(config, fs);

        // Storage of unknown kind may be shared: reading is right everywhere, a mapping only where writers are local.
        return fs == null && mode == IndexCacheMode.Mmap ? IndexCacheMode.Buffered : mode;
    }

    /// <summary>The mode Dovecot would use for <paramref name="indexDirectory"/> under <paramref name="config"/> (null: by filesystem alone).</summary>
    public static MailIndexCacheMode ForMailbox(DovecotConfig? config, string indexDirectory, IReadOnlyList<MountInfoEntry> mounts) =>
        (MailIndexCacheMode)(int)IndexCacheModes.ForConfig(config, FileSystemDetector.DetectNearest(indexDirectory, mounts));

    private DetectedFileSystem? Detect(string indexDirectory)
    {
        try
        {
            mounts ??= MountInfo.ReadCurrent();
            return FileSystemDetector.DetectNearest(indexDirectory, mounts);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return null;
        }
    }
}
