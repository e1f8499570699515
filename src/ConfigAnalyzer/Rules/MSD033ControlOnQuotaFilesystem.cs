using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// Maildir control files (<c>dovecot-uidlist</c>, <c>dovecot-keywords</c>) on a mount with enforced filesystem
/// quota (usrquota, grpquota, quota, prjquota and the XFS/ext4 spellings), because CONTROL= is not set or points
/// there too. Once the user is over quota these writes fail, and Dovecot does not cope with failing control-file
/// writes: new mail cannot get UIDs and keyword changes are lost.
/// </summary>
public sealed class MSD033ControlOnQuotaFilesystem : ConfigRule
{
    // Options that enforce quota (accounting-only variants such as uqnoenforce are not here).
    private static readonly string[] QuotaFlags = { "usrquota", "grpquota", "quota", "prjquota", "uquota", "gquota", "pquota" };
    private static readonly string[] QuotaValues = { "usrjquota", "grpjquota", "prjjquota" };

    /// <summary>Creates the rule.</summary>
    public MSD033ControlOnQuotaFilesystem()
        : base(RuleIdentifiers.ControlOnQuotaFilesystem, "Control files on a filesystem with quota", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        foreach (var control in scope.PathsOf(StoragePathRole.Control).Where(p => p.MailLocation.Driver == "maildir" && p.Mount != null))
        {
            string? option = QuotaOption(control.Mount!);
            if (option == null)
            {
                continue;
            }

            bool explicitControl = control.MailLocation.Parameter("CONTROL") != null;
            string placed = explicitControl
                ? "CONTROL=" + control.Template + " is on " + control.Mount
                : "there is no CONTROL=, so the control files stay in the Maildir on " + control.Mount;
            yield return new RuleFinding(control.Location,
                control.Origin + ": " + placed + ", which is mounted with filesystem quota (" + option + "). When a user is over quota, " +
                "Dovecot cannot add new mail to dovecot-uidlist or new keywords to dovecot-keywords and does not cope with that: opening the " +
                "mailbox fails with an error, new mail does not show up, and keyword changes are lost. Add CONTROL= pointing to a path without quota (for example CONTROL=/var/lib/dovecot/control/%d/%n), " +
                "and never delete control files when repairing, or clients download everything again.");
        }
    }

    private static string? QuotaOption(MountDefinition mount)
    {
        foreach (var option in mount.Options)
        {
            string name = option.Trim();
            int eq = name.IndexOf('=');
            string key = eq < 0 ? name : name.Substring(0, eq);
            var names = eq < 0 ? QuotaFlags : QuotaValues;
            if (key.Length > 0 && names.Any(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase)))
            {
                return name;
            }
        }

        return null;
    }
}
