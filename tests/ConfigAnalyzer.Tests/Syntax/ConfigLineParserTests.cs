using MailStorage.ConfigAnalyzer.Syntax;
using Xunit;

namespace MailStorage.ConfigAnalyzer.Tests.Syntax;

public sealed class ConfigLineParserTests
{
    [Theory]
    [InlineData("mmap_disable = yes", ConfigLineKind.KeyValue, "mmap_disable", "yes")]
    [InlineData("mmap_disable=yes", ConfigLineKind.KeyValue, "mmap_disable", "yes")]
    [InlineData("  hostname = a#b", ConfigLineKind.KeyValue, "hostname", "a")]
    [InlineData("hostname = \"a # b\"", ConfigLineKind.KeyValue, "hostname", "a # b")]
    [InlineData("x = \"say \\\"hi\\\" \\x27\"", ConfigLineKind.KeyValue, "x", "say \"hi\" x27")]
    [InlineData("x = 'single'", ConfigLineKind.KeyValue, "x", "single")]
    [InlineData("ssl_cert = </etc/ssl/cert.pem", ConfigLineKind.KeyFile, "ssl_cert", "/etc/ssl/cert.pem")]
    [InlineData("ssl_cert = <  cert.pem", ConfigLineKind.KeyFile, "ssl_cert", "cert.pem")]
    [InlineData("mail_plugins = $mail_plugins quota", ConfigLineKind.KeyVariable, "mail_plugins", "$mail_plugins quota")]
    [InlineData("x = \"$not_a_var\"", ConfigLineKind.KeyValue, "x", "$not_a_var")]
    [InlineData("namespace inbox {", ConfigLineKind.SectionBegin, "namespace", "inbox")]
    [InlineData("mailbox \"Sent Messages\" {", ConfigLineKind.SectionBegin, "mailbox", "Sent Messages")]
    [InlineData("plugin {", ConfigLineKind.SectionBegin, "plugin", "")]
    [InlineData("}", ConfigLineKind.SectionEnd, "}", "")]
    [InlineData("!include conf.d/*.conf", ConfigLineKind.Include, "!include", "conf.d/*.conf")]
    [InlineData("!include_try local.conf", ConfigLineKind.IncludeTry, "!include_try", "local.conf")]
    [InlineData("# comment", ConfigLineKind.Skip, "", "")]
    [InlineData("   ", ConfigLineKind.Skip, "", "")]
    public void Classifies_like_doveconf(string text, ConfigLineKind kind, string key, string value)
    {
        var line = new ConfigLineParser().Parse(text);
        Assert.Equal(kind, line.Kind);
        Assert.Equal(key, line.Key);
        Assert.Equal(value, line.Value);
    }

    [Theory]
    [InlineData("namespace inbox { inbox = yes }", "Garbage after '{'")]
    [InlineData("namespace inbox", "Expecting '{'")]
    [InlineData("protocol imap pop3 {", "Expecting '{'")]
    [InlineData("mailbox \"unterminated {", "Expecting '{'")]
    [InlineData("value-without-equals", "Expecting '{'")]
    public void Reports_doveconf_syntax_errors(string text, string message)
    {
        var line = new ConfigLineParser().Parse(text);
        Assert.Equal(ConfigLineKind.Error, line.Kind);
        Assert.Equal(message, line.Value);
    }

    [Fact]
    public void Continuation_joins_with_one_space()
    {
        var parser = new ConfigLineParser();
        Assert.Equal(ConfigLineKind.Continue, parser.Parse("mail_location = maildir:~/Mail \\").Kind);
        var line = parser.Parse("    :INDEX=/var/idx/%u");
        Assert.Equal("maildir:~/Mail :INDEX=/var/idx/%u", line.Value);
    }

    [Fact]
    public void Comment_after_continuation_drops_the_gathered_text()
    {
        var parser = new ConfigLineParser();
        parser.Parse("hostname = a \\");
        Assert.Equal(ConfigLineKind.Skip, parser.Parse("# comment").Kind);
        Assert.Equal("b", parser.Parse("hostname = b").Value);
    }

    [Fact]
    public void Hash_without_space_before_it_is_ambiguous()
    {
        Assert.True(new ConfigLineParser().Parse("hostname = a#b").AmbiguousHash);
        Assert.False(new ConfigLineParser().Parse("hostname = a #b").AmbiguousHash);
    }

    [Fact]
    public void Key_column_is_one_based()
    {
        var line = new ConfigLineParser().Parse("    mmap_disable = yes");
        Assert.Equal(5, line.KeyColumn);
        Assert.Equal(20, line.ValueColumn);
    }
}
