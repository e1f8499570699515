using System;
using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.PowerShell;

/// <summary>
/// One Dovecot setting as <c>Get-MailStorageConfig</c> reports it: where it applies (filter and section), its
/// value, where it was assigned, and whether it is Dovecot's default.
/// </summary>
public sealed class DovecotSetting
{
    internal DovecotSetting(ExportedSetting entry, DovecotConfig config, SettingBatch? batch, bool showSecrets)
    {
        Entry = entry;
        Config = config;
        Batch = batch;
        Name = entry.Name;
        Value = showSecrets || DoveconfExport.FormatValue(entry.Name, entry.Value, true) == DoveconfExport.FormatValue(entry.Name, entry.Value, false)
            ? entry.Value
            : DoveconfExport.FormatValue(entry.Name, entry.Value, false);
        Section = DoveconfExport.DescribeScope(entry.Scope);
        Filter = entry.Block?.Filter.ToString() ?? string.Empty;
        File = entry.Assigned?.Location.File ?? string.Empty;
        Line = entry.Assigned?.Location.Line;
        IsDefault = entry.IsDefault;
        ConfigPath = config.Path;
        ConfigFiles = config.Files;
    }

    /// <summary>The setting's name (inside <c>plugin { }</c> and other lists, the key).</summary>
    public string Name { get; }

    /// <summary>The value as <c>doveconf</c> prints it; secrets hidden unless asked for with -ShowSecrets.</summary>
    public string Value { get; }

    /// <summary>The section path, e.g. <c>namespace inbox/mailbox Sent</c>; empty at the top level.</summary>
    public string Section { get; }

    /// <summary>The filter the value was assigned under, e.g. <c>protocol=imap</c>; empty for global settings and defaults.</summary>
    public string Filter { get; }

    /// <summary>The file that assigns the value; empty for defaults.</summary>
    public string File { get; }

    /// <summary>The line that assigns the value; null for defaults.</summary>
    public int? Line { get; }

    /// <summary>Whether the value equals Dovecot 2.3.19's default.</summary>
    public bool IsDefault { get; }

    /// <summary>The main configuration file the setting was read from.</summary>
    public string ConfigPath { get; }

    /// <summary>Every file read for that configuration, in reading order (the same list for all its settings).</summary>
    public IReadOnlyList<string> ConfigFiles { get; }

    /// <summary>What ConvertTo-DovecotConfig renders.</summary>
    internal ExportedSetting Entry { get; }

    /// <summary>The configuration read.</summary>
    internal DovecotConfig Config { get; }

    /// <summary>The complete <c>doveconf -n</c> set this setting was part of, if it came from one.</summary>
    internal SettingBatch? Batch { get; }

    /// <inheritdoc />
    public override string ToString() => Name + " = " + Value;
}

/// <summary>Everything one <c>Get-MailStorageConfig -NonDefault</c> call wrote for one configuration.</summary>
internal sealed class SettingBatch
{
    public SettingBatch(DovecotConfig config, int count)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        Count = count;
    }

    public DovecotConfig Config { get; }

    public int Count { get; }
}
