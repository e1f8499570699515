using MailStorage.ConfigAnalyzer.Rules;
using Xunit;
using static MailStorage.ConfigAnalyzer.Tests.Rules.LintHarness;

namespace MailStorage.ConfigAnalyzer.Tests.Rules;

public sealed class MSD042DirectorExpireBelowAttributeCacheTests
{
    private const string Config = "mail_location = maildir:/srv/mail/%d/%n\ndirector_servers = 10.0.0.1 10.0.0.2\n";

    [Fact]
    public void Fires_when_expire_is_shorter_than_actimeo()
    {
        var hit = AssertFires(Lint(Config + "director_user_expire = 30 secs\n", NfsSticky), RuleIdentifiers.DirectorExpireBelowAttributeCache, 3);
        Assert.Contains("actimeo=60", hit.Message, System.StringComparison.Ordinal);
        Assert.Contains("/srv/mail (NFSv4)", hit.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_the_Linux_default_without_cache_options() =>
        AssertFires(Lint(Config + "director_user_expire = 45s\n", "topology: sticky\nmounts:\n  - path: /srv/mail\n    type: nfs\n    options: [hard]\n"),
            RuleIdentifiers.DirectorExpireBelowAttributeCache, 3);

    [Fact]
    public void Fires_at_the_mail_location_when_the_default_is_too_short() =>
        AssertFires(Lint(Config, "topology: sticky\nmounts:\n  - path: /srv/mail\n    type: nfs4\n    options: [acregmax=1800]\n"),
            RuleIdentifiers.DirectorExpireBelowAttributeCache, 1);

    [Fact]
    public void Quiet_with_the_default_expire() =>
        AssertQuiet(Lint(Config, NfsSticky), RuleIdentifiers.DirectorExpireBelowAttributeCache);

    [Fact]
    public void Quiet_without_director() =>
        AssertQuiet(Lint("mail_location = maildir:/srv/mail/%d/%n\n", NfsSticky), RuleIdentifiers.DirectorExpireBelowAttributeCache);

    [Fact]
    public void Quiet_on_local_disk() =>
        AssertQuiet(Lint(Config + "director_user_expire = 30 secs\n", LocalExt4), RuleIdentifiers.DirectorExpireBelowAttributeCache);
}
