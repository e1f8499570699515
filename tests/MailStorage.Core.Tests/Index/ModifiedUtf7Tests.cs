using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

/// <summary>Modified UTF-7 mailbox names decoded as Dovecot's imap-utf7.c decodes them, and what it refuses.</summary>
public sealed class ModifiedUtf7Tests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("R&-D", "R&D")]
    [InlineData("&ANw-n&AO8-c&APY-d&AOk-", "Ünïcödé")]
    [InlineData("&Jjo-!", "☺!")]
    [InlineData("&2D3eAA-", "😀")]
    [InlineData("~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語")]
    public void Valid_names_decode(string stored, string shown)
    {
        Assert.True(ModifiedUtf7.TryDecode(stored, out string decoded));
        Assert.Equal(shown, decoded);
    }

    [Theory]
    [InlineData("&AOk")]
    [InlineData("&A-")]
    [InlineData("&AOkA-")]
    [InlineData("&AEE-")]
    [InlineData("&AAA-")]
    [InlineData("&2D0-")]
    [InlineData("&AOk-&AOk-")]
    [InlineData("&AO!-")]
    [InlineData("caf\u00e9")]
    public void Invalid_names_are_refused_and_shown_as_stored(string stored)
    {
        Assert.False(ModifiedUtf7.TryDecode(stored, out _));
        Assert.Equal(stored, ModifiedUtf7.Decode(stored));
    }
}
