using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// The renames and translations doveconf 2.3.19 still applies to settings of older Dovecot versions
/// (src/config/old-set-parser.c), each with its "Obsolete setting" warning. Only root-level assignments and the
/// renamed filter and service names are translated, as doveconf does for 2.x configurations.
/// </summary>
internal static class ObsoleteSettings
{
    private static readonly string[] Removed =
    {
        "login_dir", "dbox_rotate_min_size", "dbox_rotate_days", "director_consistent_hashing",
        "mail_log_max_lines_per_sec", "maildir_copy_preserve_filename",
    };

    private static readonly char[] SpaceOrComma = { ' ', ',' };
    private static readonly char[] Space = { ' ' };
    private static readonly string[] SslProtocolVersions = { "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2" };

    public static bool TryHandle(ConfigReader reader, ConfigReader.Input input, ConfigLine line, SourceLocation location)
    {
        if (line.Kind == ConfigLineKind.SectionBegin)
        {
            return HandleSection(reader, input, line, location);
        }

        if (line.Kind != ConfigLineKind.KeyValue || reader.Current.KeyPrefix.Length != 0)
        {
            return false;
        }

        string key = line.Key, value = line.Value;
        switch (key)
        {
            case "protocols":
                return Protocols(reader, input, value, location);
            case "ssl_cert_file":
            case "ssl_key_file":
            case "ssl_ca_file":
                if (value.Length == 0)
                {
                    return true;
                }

                string newKey = key.Substring(0, key.LastIndexOf('_'));
                Obsolete(reader, input, key + " has been replaced by " + newKey + " = <file");
                reader.AssignSetting(input, newKey, value, ConfigLineKind.KeyFile, location);
                return true;
            case "ssl_disable":
                Rename(reader, input, key, "ssl", Invert(value), location);
                return true;
            case "ssl_parameters_regenerate":
            case "ssl_dh_parameters_length":
                Obsolete(reader, input, key + " is no longer needed");
                return true;
            case "ssl_protocols":
                Obsolete(reader, input, key + " has been replaced by ssl_min_protocol");
                if (TryMinProtocol(value, out string min, out string error))
                {
                    reader.AssignSetting(input, "ssl_min_protocol", min, ConfigLineKind.KeyValue, location);
                }
                else
                {
                    reader.LogError("Could not find a minimum ssl_min_protocol setting from ssl_protocols = " + value + ": " + error, location);
                }

                return true;
            case "sieve":
            case "sieve_storage":
                Obsolete(reader, input, key == "sieve_storage" ? "sieve_storage has been moved into plugin { sieve_dir }" : key + " has been moved into plugin {} section");
                return false;
            case "fsync_disable":
                Rename(reader, input, key, "mail_fsync",
                    string.Equals(value, "yes", StringComparison.OrdinalIgnoreCase) ? "never" : string.Equals(value, "no", StringComparison.OrdinalIgnoreCase) ? "optimized" : value, location);
                return true;
            case "dbox_rotate_size":
                Rename(reader, input, key, "mdbox_rotate_size", value, location);
                return true;
            case "imap_client_workarounds":
                var kept = new List<string>();
                foreach (var word in value.Split(SpaceOrComma, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (word == "outlook-idle")
                    {
                        Obsolete(reader, input, "imap_client_workarounds=outlook-idle is no longer necessary");
                        kept.Add(string.Empty);
                    }
                    else if (word == "netscape-eoh")
                    {
                        Obsolete(reader, input, "imap_client_workarounds=netscape-eoh is no longer supported");
                        kept.Add(string.Empty);
                    }
                    else
                    {
                        kept.Add(word);
                    }
                }

                reader.AssignSetting(input, key, string.Join(" ", kept), ConfigLineKind.KeyValue, location);
                return true;
        }

        if (TryMoveIntoService(reader, input, key, value, location))
        {
            return true;
        }

        if (key.StartsWith("mail_cache_compress_", StringComparison.Ordinal))
        {
            Rename(reader, input, key, "mail_cache_purge_" + key.Substring(20), value, location);
            return true;
        }

        if (Array.IndexOf(Removed, key) >= 0)
        {
            Obsolete(reader, input, key + " has been removed");
            return true;
        }

        return false;
    }

    // 1.x process settings that became settings of the login, mail and auth services. They apply to the
    // services of the protocols the enclosing filter matches; a service that does not exist is passed over.
    private static bool TryMoveIntoService(ConfigReader reader, ConfigReader.Input input, string key, string value, SourceLocation location)
    {
        string? loginKey = key switch
        {
            "login_chroot" => "chroot",
            "login_user" => "user",
            "login_executable" => "executable",
            "login_process_size" => "vsz_limit",
            "login_process_per_connection" => "service_count",
            "login_processes_count" => "process_min_avail",
            "login_max_processes_count" => "process_limit",
            "login_max_connections" => "client_limit",
            _ => null,
        };
        string? mailKey = key switch
        {
            "max_mail_processes" => "process_limit",
            "mail_executable" => "executable",
            "mail_process_size" => "vsz_limit",
            "mail_drop_priv_before_exec" => "drop_priv_before_exec",
            _ => null,
        };
        string? authKey = key switch
        {
            "auth_executable" => "executable",
            "auth_process_size" => "vsz_limit",
            "auth_user" => "user",
            "auth_chroot" => "chroot",
            _ => null,
        };
        string newValue = key switch
        {
            "login_chroot" => value == "no" ? string.Empty : "login",
            "login_process_per_connection" => value == "no" ? "0" : "1",
            "login_process_size" or "mail_process_size" or "auth_process_size" => value + " M",
            _ => value,
        };

        var filter = reader.Current.Filter;
        if (loginKey != null || mailKey != null)
        {
            string newKey = (loginKey ?? mailKey)!;
            string suffix = loginKey != null ? "-login" : string.Empty;
            Obsolete(reader, input, key + " has been replaced by service { " + newKey + " }");
            foreach (var protocol in new[] { "imap", "pop3", "sieve" })
            {
                if (filter.Matches(new ConfigFilter(protocol, null, null, null)))
                {
                    string service = (protocol == "sieve" ? "managesieve" : protocol) + suffix;
                    bool applied = reader.AssignServiceSetting(service, newKey, newValue, location);
                    if (protocol == "sieve" || !applied)
                    {
                        // doveconf ignores the managesieve services when Pigeonhole is not installed.
                        reader.Error = protocol == "sieve" ? null : reader.Error;
                    }
                }
            }

            return true;
        }

        if (authKey != null)
        {
            Obsolete(reader, input, key + " has been replaced by service auth { " + authKey + " }");
            reader.AssignServiceSetting("auth", authKey, newValue, location);
            return true;
        }

        if (key == "auth_cache_size" && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong size) && size > 0 && size < 1024)
        {
            Obsolete(reader, input, "auth_cache_size value no longer defaults to megabytes. Use " + value + "M");
            reader.AssignSetting(input, key, value + "M", ConfigLineKind.KeyValue, location);
            return true;
        }

        if (key == "auth_count")
        {
            Obsolete(reader, input, value == "count" ? "auth_count has been removed" : "auth_count has been removed, and its value must be 1");
            return true;
        }

        return false;
    }

    private static bool HandleSection(ConfigReader reader, ConfigReader.Input input, ConfigLine line, SourceLocation location)
    {
        if (reader.Current.KeyPrefix.Length != 0)
        {
            return false;
        }

        if (line.Key == "protocol" && line.Value == "managesieve")
        {
            Obsolete(reader, input, "protocol managesieve {} has been replaced by protocol sieve { }");
            return Reopen(reader, "protocol", "sieve", line, location);
        }

        if (line.Key == "service" && line.Value == "dns_client")
        {
            Obsolete(reader, input, "service dns_client {} has been replaced by service dns-client { }");
            return Reopen(reader, "service", "dns-client", line, location);
        }

        return false;
    }

    private static bool Reopen(ConfigReader reader, string key, string name, ConfigLine line, SourceLocation location)
    {
        var renamed = new ConfigLine(ConfigLineKind.SectionBegin, key, name, line.KeyColumn, line.ValueColumn, false);
        reader.BeginSectionFromObsolete(renamed, location);
        return true;
    }

    private static bool Protocols(ConfigReader reader, ConfigReader.Input input, string value, SourceLocation location)
    {
        var words = value.Split(Space, StringSplitOptions.RemoveEmptyEntries).ToList();
        bool imap = words.Contains("imap"), imaps = words.Contains("imaps"), pop3 = words.Contains("pop3"), pop3s = words.Contains("pop3s");
        for (int i = 0; i < words.Count; i++)
        {
            if (words[i] == "managesieve")
            {
                words[i] = "sieve";
                Obsolete(reader, input, "protocols=managesieve has been renamed to protocols=sieve");
            }
        }

        words.RemoveAll(w => w == "imaps" || w == "pop3s");
        string joined = string.Join(" ", words);
        if (imaps && !imap)
        {
            Obsolete(reader, input, "'imaps' protocol can no longer be specified (use protocols=imap). to disable non-ssl imap, use service imap-login { inet_listener imap { port=0 } }");
            joined += " imap";
        }
        else if (imaps)
        {
            Obsolete(reader, input, "'imaps' protocol is no longer necessary, remove it");
        }

        if (pop3s && !pop3)
        {
            Obsolete(reader, input, "'pop3s' protocol can no longer be specified (use protocols=pop3). to disable non-ssl pop3, use service pop3-login { inet_listener pop3 { port=0 } }");
            joined += " pop3";
        }
        else if (pop3s)
        {
            Obsolete(reader, input, "'pop3s' protocol is no longer necessary, remove it");
        }

        reader.AssignSetting(input, "protocols", joined.TrimStart(' '), ConfigLineKind.KeyValue, location);
        return true;
    }

    private static void Rename(ConfigReader reader, ConfigReader.Input input, string oldKey, string newKey, string value, SourceLocation location)
    {
        Obsolete(reader, input, oldKey + " has been renamed to " + newKey);
        reader.AssignSetting(input, newKey, value, ConfigLineKind.KeyValue, location);
    }

    private static string Invert(string value) =>
        string.Equals(value, "yes", StringComparison.OrdinalIgnoreCase) ? "no" : string.Equals(value, "no", StringComparison.OrdinalIgnoreCase) ? "yes" : value;

    private static void Obsolete(ConfigReader reader, ConfigReader.Input input, string text)
    {
        var location = new SourceLocation(input.Path, input.LineNumber, 1);
        if (!reader.SeenObsolete)
        {
            reader.SeenObsolete = true;
            reader.Warning("NOTE: You can get a new clean config file with: doveconf -Pn > dovecot-new.conf", location);
        }

        reader.Warning("Obsolete setting in " + input.Path + ":" + input.LineNumber.ToString(CultureInfo.InvariantCulture) + ": " + text, location);
    }

    private static bool TryMinProtocol(string value, out string min, out string error)
    {
        min = string.Empty;
        error = string.Empty;
        var state = new int[SslProtocolVersions.Length];
        bool explicitEnable = false;
        foreach (var raw in value.Split(SpaceOrComma, StringSplitOptions.RemoveEmptyEntries))
        {
            bool enable = raw[0] != '!';
            string name = enable ? raw : raw.Substring(1);
            int index = Array.IndexOf(SslProtocolVersions, name);
            if (index < 0)
            {
                error = "Unrecognized protocol '" + name + "'";
                return false;
            }

            state[index] = enable ? 1 : -1;
            explicitEnable |= enable;
        }

        for (int i = 0; i < state.Length; i++)
        {
            if (explicitEnable ? state[i] > 0 : state[i] == 0)
            {
                min = SslProtocolVersions[i];
                return true;
            }
        }

        error = "All protocols disabled";
        return false;
    }
}
