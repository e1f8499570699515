using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Tests.Oracle;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Settings;

/// <summary>The shipped schema must describe the doveconf installed here: every setting, with its default.</summary>
public sealed class SettingsSchemaTests
{
    [Fact]
    public void Every_root_setting_doveconf_knows_is_in_the_schema_with_its_default()
    {
        string empty = Path.GetTempFileName();
        try
        {
            var result = Doveconf.Run("/", null, "-c", empty, "-a");
            Assert.Equal(0, result.ExitCode);
            var root = SettingsSchema.Dovecot23.Root;
            var mismatches = new List<string>();
            int count = 0;
            foreach (var line in result.Stdout.Split('\n'))
            {
                // Root settings only: no indentation, no section openers.
                int eq = line.IndexOf(" = ", StringComparison.Ordinal);
                if (line.Length == 0 || line[0] == ' ' || line[0] == '#' || eq < 0)
                {
                    continue;
                }

                count++;
                string name = line.Substring(0, eq), value = line.Substring(eq + 3);
                if (value.Length >= 2 && value[0] == '"')
                {
                    value = MailStorage.ConfigAnalyzer.Syntax.ConfigLineParser.Unescape(value.Substring(1, value.Length - 2));
                }

                var def = root.FindSetting(name);
                string? ours = def == null ? null : def.Type == SettingType.Enum ? def.Values[0] : def.Default;
                if (ours != value)
                {
                    mismatches.Add($"{name}: doveconf '{value}', schema '{ours ?? "(missing)"}'");
                }
            }

            Assert.True(count > 250, "doveconf -a printed only " + count + " root settings");
            Assert.Empty(mismatches);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Theory]
    [InlineData("mail_index_rewrite_min_log_bytes")]
    [InlineData("mail_index_log_rotate_max_size")]
    [InlineData("mail_cache_purge_delete_percentage")]
    public void Hidden_settings_answer_their_default_by_name(string name)
    {
        var result = Doveconf.Run("/", null, "-c", "/dev/null", name);
        var def = SettingsSchema.Dovecot23.Root.FindSetting(name)!;
        Assert.True(def.Hidden);
        Assert.Equal(name + " = " + def.Default, result.Stdout.Trim());
    }

    [Fact]
    public void Section_types_match_Dovecots()
    {
        var sections = SettingsSchema.Dovecot23.Root.Sections;
        Assert.Equal(SectionKind.Unique, sections["namespace"].Kind);
        Assert.Equal(SectionKind.Unique, sections["namespace"].Sections["mailbox"].Kind);
        Assert.Equal(SectionKind.List, sections["passdb"].Kind);
        Assert.Equal(SectionKind.StrList, sections["plugin"].Kind);
        Assert.Contains("imap-login", sections["service"].BuiltInInstances);
        Assert.Equal(new[] { "fcntl", "flock", "dotlock" }, SettingsSchema.Dovecot23.Root.FindSetting("lock_method")!.Values.ToArray());
    }
}

/// <summary>The schema generator's own checker (700 value probes against doveconf) passes on the shipped schema.</summary>
public sealed class SettingsSchemaCheckerTests
{
    [Fact]
    public void Checker_agrees_with_doveconf()
    {
        var result = Doveconf.RunProgram("python3", Corpus.RepositoryRoot, null, TimeSpan.FromMinutes(5),
            "tools/settings-schema/check.py", "src/ConfigAnalyzer/Settings/dovecot-2.3.19.settings.yaml");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("OK: schema matches doveconf", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The 2.4.1 schema against doveconf 2.4.1 in the chroot: every default, type, filter and the settings history.</summary>
    [Fact]
    public void Checker_agrees_with_doveconf_2_4()
    {
        Doveconf24.EnsureBuilt();
        var result = Doveconf.RunProgram("python3", Corpus.RepositoryRoot, null, TimeSpan.FromMinutes(5),
            "tools/settings-schema/check.py", "src/ConfigAnalyzer/Settings/dovecot-2.4.1.settings.yaml");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("schema: dovecot 2.4.1,", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("OK: schema matches doveconf", result.Stdout, StringComparison.Ordinal);
    }
}
