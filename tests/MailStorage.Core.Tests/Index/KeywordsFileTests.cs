using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

public sealed class KeywordsFileTests : IClassFixture<RealMaildir>
{
    private readonly RealMaildir real;

    public KeywordsFileTests(RealMaildir real) => this.real = real;

    [Fact]
    public void Real_keywords_match_doveadm_flags()
    {
        Assert.Null(real.Missing);
        KeywordsFile keywords = KeywordsFile.Read(Path.Combine(real.Maildir, "dovecot-keywords"));
        Assert.Empty(keywords.Problems);
        Assert.Contains("$Label1", keywords.Names);
        Assert.Contains("Custom2", keywords.Names);

        // The letters in each file name map to the keywords doveadm reports for that message.
        UidList list = UidList.Read(Path.Combine(real.Maildir, "dovecot-uidlist"));
        string[] files = Directory.GetFiles(Path.Combine(real.Maildir, "cur")).Concat(Directory.GetFiles(Path.Combine(real.Maildir, "new"))).Select(Path.GetFileName).ToArray()!;
        foreach (UidListRecord record in list.Records)
        {
            string name = files.Single(f => f.Split(":2,")[0] == record.FileName);
            string letters = name.Contains(":2,", System.StringComparison.Ordinal) ? name.Split(":2,")[1] : string.Empty;
            string[] ours = letters.Where(char.IsAsciiLetterLower).Select(c => keywords.ForLetter(c)!).OrderBy(k => k, System.StringComparer.Ordinal).ToArray();
            var message = real.Messages.Single(m => m["uid"] == record.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            string[] theirs = message["flags"].Split(' ', System.StringSplitOptions.RemoveEmptyEntries).Where(f => !f.StartsWith('\\')).OrderBy(k => k, System.StringComparer.Ordinal).ToArray();
            Assert.Equal(theirs, ours);
        }
    }

    [Fact]
    public void Valid_file()
    {
        KeywordsFile keywords = KeywordsFile.Read(IndexFixtures.Path("keywords-valid"));
        Assert.Empty(keywords.Problems);
        Assert.Equal("$Label1", keywords.ForLetter('a'));
        Assert.Equal("Custom2", keywords.ForLetter('b'));
        Assert.Null(keywords.ForLetter('c'));
    }

    [Fact]
    public void Invalid_entries_are_skipped_as_Dovecot_does()
    {
        KeywordsFile keywords = KeywordsFile.Read(IndexFixtures.Path("keywords-invalid-entries"));
        Assert.Equal("$Label1", keywords.ForLetter('a'));
        Assert.Null(keywords.ForLetter('b'));
        Assert.Equal(new[] { ("KeywordsInvalidIndex", 10L), ("KeywordsDuplicateName", 28L) }, keywords.Problems.Select(p => (p.Code, p.Offset)));
    }
}
