using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// mbox lock lists that do not exclude each other. Every program that touches an mbox must take the same lock
/// kinds in the same order: a reader that takes none of the writers' kinds reads half-written mail, two writers
/// that take the same kinds in a different order wait on each other until one times out. Also flags
/// <c>flock</c> in the lists while the mbox files are on NFS, where flock does not exclude other hosts or
/// collides with fcntl (see MSD020). Only for mail locations with the mbox driver; Dovecot's defaults
/// (read fcntl, write fcntl dotlock) are consistent.
/// </summary>
public sealed class MSD024MboxLockMethods : ConfigRule
{
    private static readonly char[] Separators = { ' ', ',' };

    /// <summary>Creates the rule.</summary>
    public MSD024MboxLockMethods()
        : base(RuleIdentifiers.MboxLockMethods, "mbox lock methods that differ, or flock on NFS", RuleSeverity.Warning, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var mbox = scope.MailLocations().Where(l => l.Location.Driver == "mbox").ToList();
        if (mbox.Count == 0)
        {
            yield break;
        }

        var read = Methods(scope.Value("mbox_read_locks"));
        var write = Methods(scope.Value("mbox_write_locks"));
        bool here = !scope.IsGlobal && (scope.AssignsHere("mbox_read_locks") || scope.AssignsHere("mbox_write_locks"));
        string where = here ? " for " + (scope.Protocol != null ? "protocol " + scope.Protocol : scope.Filter.ToString()) : string.Empty;

        // flock on NFS.
        var nfs = NfsMount(scope, mbox.Select(l => l.Location));
        if (nfs != null)
        {
            foreach (var name in new[] { "mbox_read_locks", "mbox_write_locks" })
            {
                if (Methods(scope.Value(name)).Contains("flock"))
                {
                    yield return new RuleFinding(scope.LocationOf(name),
                        name + " = " + scope.Value(name) + where + " while mbox files are on " + nfs + ": flock does not exclude other NFS clients " +
                        "(or, on Linux, turns into a POSIX lock that collides with fcntl), so a delivery on one host and a reader or expunge on another " +
                        "corrupt the mbox. Drop flock: use fcntl (with lockd, or NFSv4) and dotlock, in the same order as the MTA.");
                }
            }
        }

        // Readers and writers of this scope.
        if (read.Count > 0 && write.Count > 0)
        {
            var common = read.Intersect(write, StringComparer.Ordinal).ToList();
            if (common.Count == 0)
            {
                yield return new RuleFinding(scope.LocationOf("mbox_read_locks"),
                    "mbox_read_locks (" + string.Join(" ", read) + ") and mbox_write_locks (" + string.Join(" ", write) + ")" + where + " have no lock method in common: " +
                    "a reader never waits for a writer, so clients see half-written or half-expunged mail and the mbox looks corrupted. " +
                    "Take at least one writer's method for reads, e.g. mbox_read_locks = fcntl with mbox_write_locks = fcntl dotlock.");
            }
            else if (!SameOrder(read, write, common))
            {
                yield return new RuleFinding(scope.LocationOf("mbox_write_locks"),
                    "mbox_read_locks (" + string.Join(" ", read) + ") and mbox_write_locks (" + string.Join(" ", write) + ")" + where + " take the same lock methods in a different order: " +
                    "a reader holding one lock waits for the other while a writer holds that one and waits for the first, until both time out " +
                    "(\"Timeout while waiting for lock\"). List the common methods in the same order in both.");
            }
        }

        // A filter's writers (e.g. protocol lda) against the global writers (imap).
        if (!scope.IsGlobal && scope.AssignsHere("mbox_write_locks"))
        {
            var globalWrite = Methods(scope.Config.GetValue("mbox_write_locks") ?? string.Empty);
            var common = write.Intersect(globalWrite, StringComparer.Ordinal).ToList();
            if (write.Count > 0 && globalWrite.Count > 0 && (common.Count == 0 || !SameOrder(write, globalWrite, common)))
            {
                yield return new RuleFinding(scope.LocationOf("mbox_write_locks"),
                    "mbox_write_locks" + where + " is '" + string.Join(" ", write) + "' but '" + string.Join(" ", globalWrite) + "' everywhere else: " +
                    (common.Count == 0
                        ? "these writers do not exclude the others, so two of them append to or rewrite the same mbox at once and corrupt it. "
                        : "the same methods in a different order, so two writers can each hold one lock and wait for the other until both time out. ") +
                    "Every program that writes the mbox (Dovecot, the MTA's delivery agent) must use the same methods in the same order.");
            }
        }
    }

    private static List<string> Methods(string value) =>
        value.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Select(m => m == "dotlock_try" ? "dotlock" : m).Distinct(StringComparer.Ordinal).ToList();

    private static bool SameOrder(List<string> a, List<string> b, List<string> common) =>
        a.Where(common.Contains).SequenceEqual(b.Where(common.Contains), StringComparer.Ordinal);

    // The NFS mount holding the mbox files (the root or INBOX=), when the profile places one.
    private static string? NfsMount(LintScope scope, IEnumerable<MailLocation> locations)
    {
        if (scope.Profile == null)
        {
            return null;
        }

        var root = scope.PathsOf(StoragePathRole.Mail).FirstOrDefault(p => p.MailLocation.Driver == "mbox" && p.Mount != null && IsNfs(p.Mount.Traits.Kind));
        if (root != null)
        {
            return root.Mount!.ToString();
        }

        foreach (var location in locations)
        {
            string? inbox = location.Parameter("INBOX");
            if (inbox == null || !inbox.StartsWith("/", StringComparison.Ordinal))
            {
                continue;
            }

            int variable = inbox.IndexOf('%');
            string fixedPart = variable < 0 ? inbox : inbox.Substring(0, inbox.LastIndexOf('/', variable) + 1);
            var mount = scope.Profile.FindMount(fixedPart.Length > 1 ? fixedPart.TrimEnd('/') : fixedPart);
            if (mount != null && IsNfs(mount.Traits.Kind))
            {
                return mount.ToString();
            }
        }

        return null;
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;
}
