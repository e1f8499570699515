using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>mail_nfs_index = yes</c> while <c>mail_fsync</c> is not <c>always</c>: the NFS cache flushes are useless
/// unless every index write has reached the server first, so Dovecot refuses the combination
/// ("mail_nfs_index=yes requires mail_fsync=always"). Dovecot's own setting documentation recommends
/// <c>optimized</c> here, which is wrong: the check in the code wins.
/// </summary>
public sealed class MSD002NfsIndexRequiresFsyncAlways : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD002NfsIndexRequiresFsyncAlways()
        : base(RuleIdentifiers.NfsIndexRequiresFsyncAlways, "mail_nfs_index=yes requires mail_fsync=always", RuleSeverity.Error, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (!scope.IsYes("mail_nfs_index") || scope.Value("mail_fsync") == "always")
        {
            yield break;
        }

        bool here = !scope.IsGlobal && (scope.AssignsHere("mail_fsync") || scope.AssignsHere("mail_nfs_index"));
        string where = here ? " for " + (scope.Protocol != null ? "protocol " + scope.Protocol : scope.Filter.ToString()) : string.Empty;
        yield return new RuleFinding(scope.LocationOf("mail_fsync"),
            "mail_nfs_index=yes requires mail_fsync=always" + where + ", but mail_fsync is " + scope.Value("mail_fsync") +
            ": Dovecot refuses to start (\"mail_nfs_index=yes requires mail_fsync=always\"), so no login or delivery works. " +
            "Set mail_fsync = always wherever mail_nfs_index = yes applies (Dovecot's setting documentation suggests 'optimized'; the code does not accept it).");
    }
}
