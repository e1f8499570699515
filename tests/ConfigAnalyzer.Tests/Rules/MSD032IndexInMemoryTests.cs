using System.Linq;
using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD032IndexInMemoryTests
{
    [Fact]
    public void Warns_when_used_globally()
    {
        var hit = AssertFires(Lint("mail_location = maildir:~/Maildir:INDEX=MEMORY\n"), RuleIdentifiers.IndexInMemory, 1);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
    }

    [Fact]
    public void Global_use_is_one_warning_even_with_delivery_filters()
    {
        var result = Lint("mail_location = maildir:~/Maildir:INDEX=MEMORY\nprotocol lmtp {\n  mail_fsync = always\n}\nprotocol imap {\n}\n");
        AssertFires(result, RuleIdentifiers.IndexInMemory, 1);
        var hits = result.Diagnostics.Where(d => d.RuleId == RuleIdentifiers.IndexInMemory).ToList();
        Assert.Single(hits);
        Assert.Equal(RuleSeverity.Warning, hits[0].Severity);
    }

    [Fact]
    public void Info_inside_protocol_LMTP()
    {
        var hit = AssertFires(Lint("mail_location = maildir:~/Maildir\nprotocol lmtp {\n  mail_location = maildir:~/Maildir:INDEX=MEMORY\n}\n"),
            RuleIdentifiers.IndexInMemory, 3);
        Assert.Equal(RuleSeverity.Info, hit.Severity);
        Assert.Equal("protocol=lmtp", hit.Filter);
    }

    [Fact]
    public void Warns_inside_protocol_IMAP()
    {
        var hit = AssertFires(Lint("mail_location = maildir:~/Maildir\nprotocol imap {\n  mail_location = maildir:~/Maildir:INDEX=MEMORY\n}\n"),
            RuleIdentifiers.IndexInMemory, 3);
        Assert.Equal(RuleSeverity.Warning, hit.Severity);
    }

    [Fact]
    public void Quiet_with_an_index_directory() =>
        AssertQuiet(Lint("mail_location = maildir:~/Maildir:INDEX=/var/idx/%u\n"), RuleIdentifiers.IndexInMemory);

    [Fact]
    public void Quiet_for_dbox_which_is_MSD030() =>
        AssertQuiet(Lint("mail_location = sdbox:~/mail:INDEX=MEMORY\n"), RuleIdentifiers.IndexInMemory);
}
