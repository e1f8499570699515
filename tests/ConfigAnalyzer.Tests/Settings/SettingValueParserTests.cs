using MailStorage.ConfigAnalyzer.Settings;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Settings;

public sealed class SettingValueParserTests
{
    private static SettingDefinition Def(string name) => SettingsSchema.Dovecot23.Root.FindSetting(name)!;

    [Theory]
    [InlineData("mmap_disable", "YES", "yes")]
    [InlineData("mmap_disable", "y", "yes")]
    [InlineData("mmap_disable", "1", "yes")]
    [InlineData("mmap_disable", "No", "no")]
    [InlineData("mail_cache_max_size", "1024k", "1 M")]
    [InlineData("mail_cache_max_size", "1536", "1536 B")]
    [InlineData("mail_cache_max_size", "1 kib", "1 k")]
    [InlineData("mail_cache_max_size", "0", "0")]
    [InlineData("mail_max_lock_timeout", "90 s", "90 secs")]
    [InlineData("mail_max_lock_timeout", "60 s", "1 mins")]
    [InlineData("mail_max_lock_timeout", "14d", "2 weeks")]
    [InlineData("mail_max_lock_timeout", "5M", "5 mins")]
    [InlineData("mail_max_lock_timeout", "2000 ms", "2 secs")]
    [InlineData("lock_method", "dotlock", "dotlock")]
    [InlineData("first_valid_uid", "010", "10")]
    public void Normalises_as_doveconf_prints(string setting, string value, string expected)
    {
        Assert.True(SettingValueParser.TryNormalize(Def(setting), value, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("mmap_disable", "0", "Invalid boolean value: 0 (use yes or no)")]
    [InlineData("mmap_disable", "true", "Invalid boolean value: true (use yes or no)")]
    [InlineData("lock_method", "FLOCK", "Invalid value: FLOCK")]
    [InlineData("mail_max_lock_timeout", "90", "Time interval '90' is missing units (add e.g. 's' for seconds)")]
    [InlineData("mail_max_lock_timeout", "5 fortnights", "Invalid time interval: 5 fortnights")]
    [InlineData("mail_max_lock_timeout", "1.5 hours", "Invalid time interval: 1.5 hours")]
    [InlineData("mail_max_lock_timeout", "1500 ms", "Milliseconds not supported for this setting: 1500 ms")]
    [InlineData("mail_cache_max_size", "1.5G", "Invalid size: 1.5G")]
    [InlineData("first_valid_uid", "-5", "Invalid number -5: Number too small")]
    [InlineData("first_valid_uid", "abc", "Invalid number abc: Not a valid number")]
    [InlineData("first_valid_uid", "99999999999", "Invalid number 99999999999: Number too large")]
    public void Rejects_with_doveconfs_words(string setting, string value, string message)
    {
        Assert.False(SettingValueParser.TryNormalize(Def(setting), value, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Octal_without_leading_zero_is_decimal()
    {
        var mode = SettingsSchema.Dovecot23.Root.Sections["service"].Sections["unix_listener"].FindSetting("mode")!;
        Assert.True(SettingValueParser.TryNormalize(mode, "600", out var normalized, out _));
        Assert.Equal("01130", normalized);
        Assert.False(SettingValueParser.TryNormalize(mode, "0680", out _, out var error));
        Assert.Equal("Invalid number: 0680", error);
    }
}
