using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// A mail location's files on an NFS mount with <c>soft</c> (or <c>softerr</c>) in effect. When the server does not
/// answer in time, a soft mount fails the I/O instead of retrying, so Dovecot gets errors in the middle of writing
/// mails, indexes and uidlists; nfs(5) warns that soft timeouts can silently corrupt data. Use <c>hard</c>.
/// </summary>
public sealed class MSD056NfsSoftMount : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD056NfsSoftMount()
        : base(RuleIdentifiers.NfsSoftMount, "NFS soft mount for mail", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var soft = scope.Paths.Where(p => p.Mount != null && IsNfs(p.Mount.Traits.Kind) && SoftOption(p.Mount) != null);
        foreach (var group in soft.GroupBy(p => (p.Location, p.Mount!.Path)))
        {
            var first = group.First();
            yield return new RuleFinding(first.Location,
                first.Origin + " uses " + first.Mount + ", mounted " + SoftOption(first.Mount!) + ". When the NFS server is slow or restarts, a soft " +
                "mount gives up and returns I/O errors instead of waiting, in the middle of Dovecot writing a mail, an index or dovecot-uidlist: " +
                "deliveries fail, users see \"Internal error\" and half-written files are left behind; nfs(5) warns that soft timeouts can silently " +
                "corrupt data. Mount with hard (the default).");
        }
    }

    // The last of soft/softerr/hard wins, as with mount(8).
    private static string? SoftOption(MountDefinition mount)
    {
        string? last = null;
        foreach (var option in mount.Options)
        {
            string o = option.Trim();
            if (string.Equals(o, "soft", StringComparison.OrdinalIgnoreCase) || string.Equals(o, "softerr", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(o, "hard", StringComparison.OrdinalIgnoreCase))
            {
                last = o;
            }
        }

        return last == null || string.Equals(last, "hard", StringComparison.OrdinalIgnoreCase) ? null : last;
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;
}
