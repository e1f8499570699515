using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>dotlock_use_excl = yes</c> (the default) while Dovecot's files are on NFSv2, where O_CREAT|O_EXCL is not
/// atomic: two processes can both create the same dotlock and both believe they hold it. The reverse,
/// <c>dotlock_use_excl = no</c> where every path supports atomic exclusive creates, only makes dotlocks slower: Info.
/// </summary>
public sealed class MSD023ExclusiveDotlockOnNfs2 : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD023ExclusiveDotlockOnNfs2()
        : base(RuleIdentifiers.ExclusiveDotlockOnNfs2, "O_EXCL dotlocks on NFSv2", RuleSeverity.Error, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var paths = scope.Paths.Where(p => !p.IsMemory).ToList();
        bool here = !scope.IsGlobal && scope.AssignsHere("dotlock_use_excl");
        string where = here ? " for " + (scope.Protocol != null ? "protocol " + scope.Protocol : scope.Filter.ToString()) : string.Empty;
        if (scope.IsYes("dotlock_use_excl"))
        {
            var nfs2 = paths.FirstOrDefault(p => p.Mount != null && !p.Mount.Traits.ExclusiveCreateAtomic);
            if (nfs2 != null)
            {
                yield return new RuleFinding(scope.LocationOf("dotlock_use_excl"),
                    "dotlock_use_excl = yes" + where + (scope.Assigned("dotlock_use_excl") == null ? " (the default)" : string.Empty) + " while " + nfs2.Origin + " keeps files on " +
                    nfs2.Mount!.Path + " (" + nfs2.Mount.Traits.Description + "), where O_CREAT|O_EXCL is not atomic: two processes can both create the same " +
                    "dotlock and both write dovecot-uidlist or the mbox at once (duplicate or lost UIDs, corrupted mailboxes). Set dotlock_use_excl = no " +
                    "(link()-based dotlocks), or mount with NFSv3 or later.");
            }
        }
        else if (scope.Assigned("dotlock_use_excl") != null && paths.Count > 0 && paths.All(p => p.Mount != null && p.Mount.Traits.ExclusiveCreateAtomic))
        {
            yield return new RuleFinding(scope.LocationOf("dotlock_use_excl"),
                "dotlock_use_excl = no" + where + " although every path of the mail locations supports atomic O_CREAT|O_EXCL (" +
                string.Join(", ", paths.Select(p => p.Mount!.ToString()).Distinct()) + "): link()-based dotlocks are only slower (an extra file, link() and " +
                "stat() per lock). Remove the setting (default yes).",
                RuleSeverity.Info);
        }
    }
}
