using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>director_user_expire</c> shorter than the NFS attribute cache of the mail storage (<c>actimeo</c>, else the
/// larger of <c>acregmax</c> and <c>acdirmax</c>, 60 s each by default on Linux). Director may then send a user
/// to another backend while the previous backend's NFS client still caches the user's file attributes; director
/// keeps users on one host for that long mainly to avoid trouble with NFS caches.
/// </summary>
public sealed class MSD042DirectorExpireBelowAttributeCache : ConfigRule
{
    private const int LinuxDefaultAttributeCache = 60;

    /// <summary>Creates the rule.</summary>
    public MSD042DirectorExpireBelowAttributeCache()
        : base(RuleIdentifiers.DirectorExpireBelowAttributeCache, "director_user_expire shorter than the NFS attribute cache", RuleSeverity.Warning, needsProfile: true)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var assigned = scope.Assigned("director_user_expire");
        if (scope.Value("director_servers").Length == 0 && assigned == null)
        {
            yield break;
        }

        if (!SettingValueParser.TryParseTime(scope.Value("director_user_expire"), false, out uint expire, out _))
        {
            yield break;
        }

        var cached = scope.Paths
            .Where(p => p.Role != StoragePathRole.Volatile && p.Mount != null && IsNfs(p.Mount.Traits.Kind))
            .Select(p => p.Mount!)
            .Distinct()
            .Select(m => (Mount: m, Seconds: AttributeCacheSeconds(m)))
            .OrderByDescending(m => m.Seconds)
            .FirstOrDefault();
        if (cached.Mount == null || expire >= cached.Seconds)
        {
            yield break;
        }

        string current = assigned == null ? "the default " : string.Empty;
        yield return new RuleFinding(scope.LocationOf("director_user_expire"),
            "director_user_expire is " + current + SettingValueParser.FormatTime(expire) + ", shorter than the " + cached.Seconds.ToString(CultureInfo.InvariantCulture) +
            " s NFS attribute cache of " + cached.Mount + " (" + CacheSource(cached.Mount) + "). Director can move a user to another backend (and back) while a backend's NFS client still trusts " +
            "attributes it cached before the move, so that host works on a stale view of the mailbox: new mail is missing, expunged mail " +
            "reappears, and index updates from the two hosts conflict. Set director_user_expire to at least " + cached.Seconds.ToString(CultureInfo.InvariantCulture) +
            " s (the default 15 min is safe).");
    }

    private static bool IsNfs(FileSystemKind kind) => kind == FileSystemKind.Nfs2 || kind == FileSystemKind.Nfs3 || kind == FileSystemKind.Nfs4;

    private static int AttributeCacheSeconds(MountDefinition mount)
    {
        if (mount.HasOption("noac"))
        {
            return 0;
        }

        if (Seconds(mount.Option("actimeo")) is int all)
        {
            return all;
        }

        return Math.Max(Seconds(mount.Option("acregmax")) ?? LinuxDefaultAttributeCache, Seconds(mount.Option("acdirmax")) ?? LinuxDefaultAttributeCache);
    }

    private static string CacheSource(MountDefinition mount) =>
        mount.Option("actimeo") != null ? "actimeo=" + mount.Option("actimeo")
        : mount.Option("acregmax") != null || mount.Option("acdirmax") != null ? "acregmax/acdirmax"
        : "Linux default acregmax/acdirmax 60 s";

    private static int? Seconds(string? value) =>
        value != null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
}
