using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>service quota-status</c> configured (settings or listeners) while several hosts share the mail storage on
/// NFS. The MTA asks quota-status on whichever host it reaches, and that process opens the recipient's quota
/// (with the count backend: the mailbox indexes) there, not on the user's backend: the same user is then
/// accessed from two hosts at once. Dovecot's NFS documentation says not to use the quota-status service.
/// </summary>
public sealed class MSD043QuotaStatusOnNfsCluster : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD043QuotaStatusOnNfsCluster()
        : base(RuleIdentifiers.QuotaStatusOnNfsCluster, "quota-status service with several backends on NFS", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var profile = scope.Profile;
        if (profile == null || !profile.IsMultiHost)
        {
            yield break;
        }

        var service = scope.Sections("service").FirstOrDefault(s => s.Name == "quota-status" && (s.Values.Any(v => v.Name != s.Definition.NameSetting) || s.Children.Any()));
        if (service == null)
        {
            yield break;
        }

        // The mounts the mail paths land on; when none resolves (e.g. ~/Maildir without mail_home), any NFS mount of the profile.
        var resolved = scope.Paths.Where(p => p.Mount != null).Select(p => p.Mount!).ToList();
        var nfs = (resolved.Count > 0 ? resolved : profile.Mounts).FirstOrDefault(m => IsNfs(m.Traits.Kind));
        if (nfs == null)
        {
            yield break;
        }

        yield return new RuleFinding(service.Location,
            "service quota-status is configured while " + (profile.Hosts?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "several") +
            " hosts share the mail on " + nfs + ". The MTA asks quota-status on whichever host it reaches, and that host opens the recipient's quota " +
            "(with the count backend, the mailbox indexes) on a host other than the user's backend, so the same user is accessed from two hosts at once and " +
            "indexes get corrupted; Dovecot's NFS documentation says not to use the quota-status service. Check quota at delivery time instead " +
            "(LMTP proxied to the user's backend, with quota_full_tempfail or lmtp_rcpt_check_quota), or run quota-status only where it is routed " +
            "to the user's backend.");
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;
}
