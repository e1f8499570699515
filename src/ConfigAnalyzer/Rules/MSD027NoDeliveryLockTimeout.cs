using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Deliveries (LMTP, dovecot-lda) on shared storage with <c>mail_max_lock_timeout = 0</c> (the default): a
/// delivery that finds the index locked waits up to Dovecot's built-in 180 seconds for the transaction log lock,
/// holding the MTA's connection, instead of failing soon with a temporary error the MTA retries. On shared
/// storage locks are held longer and left behind by other hosts more often.
/// </summary>
public sealed class MSD027NoDeliveryLockTimeout : ConfigRule
{
    private static readonly char[] Space = { ' ' };
    private static readonly StoragePathRole[] DataRoles = { StoragePathRole.Mail, StoragePathRole.Index, StoragePathRole.Control };

    /// <summary>Creates the rule.</summary>
    public MSD027NoDeliveryLockTimeout()
        : base(RuleIdentifiers.NoDeliveryLockTimeout, "No lock timeout for deliveries on shared storage", RuleSeverity.Info, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        string who;
        if (scope.IsDelivery)
        {
            who = "protocol " + scope.Protocol;
        }
        else if (scope.IsGlobal
            && !scope.Config.Blocks.Any(b => b.Filter.Protocol == "lmtp" || b.Filter.Protocol == "lda")
            && scope.Value("protocols").Split(Space, StringSplitOptions.RemoveEmptyEntries).Contains("lmtp", StringComparer.Ordinal))
        {
            who = "LMTP deliveries (protocols includes lmtp, and there is no protocol lmtp { } block)";
        }
        else
        {
            yield break;
        }

        if (!SettingValueParser.TryParseTime(scope.Value("mail_max_lock_timeout"), false, out uint timeout, out _) || timeout != 0)
        {
            yield break;
        }

        var shared = scope.Paths.FirstOrDefault(p => DataRoles.Contains(p.Role) && p.IsShared);
        if (shared == null)
        {
            yield break;
        }

        yield return new RuleFinding(scope.LocationOf("mail_max_lock_timeout"),
            "mail_max_lock_timeout is 0 (no limit) for " + who + " while " + shared.Origin + " is on " + shared.Mount!.Path + " (" + shared.Mount.Traits.Description + "): " +
            "a delivery that finds the index locked waits up to Dovecot's built-in 180 s (\"Timeout (180s) while waiting for lock for transaction log file\"), " +
            "holding the MTA's connection and delaying the whole queue. Set a short timeout for deliveries, e.g. protocol lmtp { mail_max_lock_timeout = 25s }, " +
            "so the delivery fails temporarily and the MTA retries.");
    }
}
