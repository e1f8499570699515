using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>mail_fsync = never</c> applies to deliveries (dovecot-lda or LMTP), globally or inside
/// <c>protocol lda/lmtp { }</c>. The MTA deletes its queued copy as soon as the delivery reports success; a
/// crash or power loss before the kernel writes the data back then loses mail nobody ever saw.
/// </summary>
public sealed class MSD012FsyncNeverForDelivery : ConfigRule
{
    private static readonly string[] DeliveryProtocols = { "lda", "lmtp" };

    /// <summary>Creates the rule.</summary>
    public MSD012FsyncNeverForDelivery()
        : base(RuleIdentifiers.FsyncNeverForDelivery, "mail_fsync=never for deliveries", RuleSeverity.Warning, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        if (scope.IsDelivery)
        {
            // A delivery block that inherits the global value is reported once, by the global scope.
            if (scope.AssignsHere("mail_fsync") && scope.Value("mail_fsync") == "never")
            {
                yield return Finding(scope, "protocol " + scope.Protocol);
            }

            yield break;
        }

        if (!scope.IsGlobal || scope.Value("mail_fsync") != "never")
        {
            yield break;
        }

        var affected = new List<string>();
        foreach (var protocol in DeliveryProtocols)
        {
            if (scope.Config.GetValue("mail_fsync", new ConfigFilter(protocol, null, null, null)) == "never")
            {
                affected.Add(protocol);
            }
        }

        if (affected.Count > 0)
        {
            yield return Finding(scope, "deliveries (" + string.Join(", ", affected) + ", which have no mail_fsync of their own)");
        }
    }

    private static RuleFinding Finding(LintScope scope, string who) =>
        new RuleFinding(scope.LocationOf("mail_fsync"),
            "mail_fsync = never applies to " + who + ": the MTA removes its queued copy as soon as the delivery succeeds, so a crash or power " +
            "loss before the kernel writes the data back loses mail the user never saw. Keep mail_fsync = optimized (always on NFS) for " +
            "lda and lmtp, e.g. protocol lmtp { mail_fsync = optimized }, even if imap runs with never.");
}
