using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// The checks Dovecot itself runs once a configuration has been read (config_all_parsers_check): for every
/// filter block, the settings that apply there must not conflict and must pass the settings' own checks.
/// doveconf prints the configuration and then fails on the first of these; we report them all.
/// </summary>
internal static class ConfigChecks
{
    public static void Run(DovecotConfig config, List<ConfigDiagnostic> diagnostics)
    {
        var reported = new HashSet<string>();
        string? globalSsl = config.Global.Root.Get("ssl")?.Value;
        bool sslWarned = false;
        foreach (var block in config.Blocks)
        {
            var effective = ConfigMerger.Merge(config, block.Filter, out var conflict);
            if (conflict != null)
            {
                Fail(config, diagnostics, reported, conflict, block);
                continue;
            }

            string? ssl = block.Root.Get("ssl")?.Value ?? globalSsl;
            if (!sslWarned && ssl != null && ssl != "no" && globalSsl == "no")
            {
                sslWarned = true;
                string text = "SSL is disabled because global ssl=no, ignoring ssl=" + ssl + " for subsection";
                diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, text, block.Location, text));
            }

            foreach (var message in MailStorageChecks(config, effective))
            {
                Fail(config, diagnostics, reported, message, block);
            }
        }
    }

    // mail_storage_settings_check and its neighbours in src/lib-storage/mail-storage-settings.c.
    private static IEnumerable<string> MailStorageChecks(DovecotConfig config, SettingsNode effective)
    {
        string Value(string name) => effective.Get(name)?.Value ?? Default(config, name);

        if (Value("mail_nfs_index") == "yes")
        {
            if (Value("mmap_disable") != "yes")
            {
                yield return "mail_nfs_index=yes requires mmap_disable=yes";
            }

            if (Value("mail_fsync") != "always")
            {
                yield return "mail_nfs_index=yes requires mail_fsync=always";
            }
        }

        if (SettingValueParser.TryParseSize(Value("mail_cache_max_size"), out ulong cacheMax, out _) && cacheMax > 1024UL * 1024 * 1024)
        {
            yield return "mail_cache_max_size can't be over 1 GB";
        }

        if (uint.TryParse(Value("mail_cache_purge_delete_percentage"), out uint percentage) && percentage > 100)
        {
            yield return "mail_cache_purge_delete_percentage can't be over 100";
        }

        if (Value("mailbox_idle_check_interval") == "0")
        {
            yield return "mailbox_idle_check_interval must not be 0";
        }

        foreach (var ns in effective.Children)
        {
            if (ns.Type == "namespace" && (ns.Get("separator")?.Value.Length ?? 0) > 1)
            {
                yield return "Namespace '" + (ns.Get("prefix")?.Value ?? string.Empty) + "': Hierarchy separator must be only one character long";
            }
        }
    }

    private static string Default(DovecotConfig config, string name)
    {
        var def = config.Schema.Root.FindSetting(name);
        return def == null ? string.Empty : def.Type == SettingType.Enum && def.Values.Count > 0 ? def.Values[0] : def.Default;
    }

    private static void Fail(DovecotConfig config, List<ConfigDiagnostic> diagnostics, HashSet<string> reported, string message, FilterBlock block)
    {
        if (!reported.Add(message))
        {
            return;
        }

        diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.CheckFailed, message, block.Location,
            "Error in configuration file " + config.Path + ": " + message));
    }
}
