using System;
using System.IO;
using MailStorage.Core.Mailboxes;
using Xunit;

namespace MailStorage.Core.Tests.MailboxLocating;

/// <summary>mail_location's %-variables as Dovecot 2.3 expands them; doveadm mailbox path is the oracle.</summary>
public sealed class MailVariablesTests
{
    // Widths, offsets (from the start and from the end), zero padding, and every modifier mail paths use.
    private const string Template = "%u/%n/%d/%2.1n/%1n/%-2d/%.2n/%-3.2n/%Ln/%Un/%Rn/%Hn/%3Hu/%2.Hu/%Nn/%4Nn/%Mn/%05.1n/%{user}/%{username}/%L{domain}/%%";

    [Theory]
    [InlineData("Alice.Smith@Example.com")]
    [InlineData("bob")]
    [InlineData("x@y")]
    public void Expands_as_Dovecot_does(string user)
    {
        using var dovecot = new DoveadmUser("maildir:/srv/" + Template);
        string doveadm = dovecot.Run(user, "mailbox", "path", "INBOX");
        Assert.Equal(doveadm, "/srv/" + MailVariables.Expand(Template, user, Path.Combine(dovecot.Root, "home")));
    }

    [Fact]
    public void Refuses_a_variable_Dovecot_does_not_know()
    {
        using var dovecot = new DoveadmUser("maildir:/srv/%n/%Q");
        var refused = Assert.Throws<InvalidOperationException>(() => dovecot.Run("bob", "mailbox", "path", "INBOX"));
        Assert.Contains("Unknown variable '%Q'", refused.Message, StringComparison.Ordinal);

        var ours = Assert.Throws<FormatException>(() => MailVariables.Expand("/srv/%n/%Q", "bob", "/home/bob"));
        Assert.Contains("Unknown variable '%Q'", ours.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/%s/%n", "%s (service)")]
    [InlineData("/srv/%{rip}/%n", "%{rip} (remote IP)")]
    public void Refuses_a_session_variable_rather_than_leaving_it_in_the_path(string template, string named)
    {
        var refused = Assert.Throws<FormatException>(() => MailVariables.Expand(template, "bob", "/home/bob"));
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_expands_the_width_forms_that_were_left_as_they_were()
    {
        // The defect: %2.1u stayed in the path as it was written.
        var location = MailboxLocator.Parse("maildir:/srv/mail/%2.1u/%Lu/Maildir", "Alice", null);
        Assert.Equal("/srv/mail/i/alice/Maildir", location.Root);
    }
}
