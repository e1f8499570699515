using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// What the scopes of one lint run share: a mail location parsed once per assignment, and its paths resolved
/// once per assignment and home. A namespace only the global block assigns is the same assignment in every
/// filter's scope, so with many filters and many namespaces each scope used to parse and resolve all of them
/// again (a third of a million paths per 1,000 namespaces and 60 filters).
/// </summary>
internal sealed class LintCache
{
    // SettingValue has no equality of its own: keyed by the assignment itself.
    private readonly Dictionary<SettingValue, MailLocation> locations = new Dictionary<SettingValue, MailLocation>();
    private readonly Dictionary<(SettingValue Assignment, string Home), StoragePath[]> paths = new Dictionary<(SettingValue Assignment, string Home), StoragePath[]>();

    /// <summary>The parsed value of a location assignment.</summary>
    public MailLocation Location(SettingValue assignment)
    {
        if (!locations.TryGetValue(assignment, out var location))
        {
            location = MailLocation.Parse(assignment.Value);
            locations.Add(assignment, location);
        }

        return location;
    }

    /// <summary>The paths of a location assignment, resolved with the given home (mail_home), if done already.</summary>
    public bool TryGetPaths(SettingValue assignment, string home, out StoragePath[] resolved) => paths.TryGetValue((assignment, home), out resolved!);

    /// <summary>Keeps the paths of a location assignment resolved with the given home.</summary>
    public void AddPaths(SettingValue assignment, string home, StoragePath[] resolved) => paths[(assignment, home)] = resolved;
}
