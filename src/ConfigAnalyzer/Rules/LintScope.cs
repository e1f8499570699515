using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// The settings one filter block gets (global settings overlaid by the filter's), with the storage profile,
/// as rules see them: effective values, where they were assigned, and the mail paths resolved to mounts.
/// </summary>
public sealed class LintScope
{
    private readonly LintCache cache;
    private List<StoragePath>? paths;

    internal LintScope(DovecotConfig config, StorageProfile? profile, FilterBlock block, LintCache? cache = null)
    {
        this.cache = cache ?? new LintCache();
        Config = config;
        Profile = profile;
        Block = block;
        Effective = config.GetEffective(block.Filter);
    }

    /// <summary>The configuration.</summary>
    public DovecotConfig Config { get; }

    /// <summary>The storage profile, when one was given.</summary>
    public StorageProfile? Profile { get; }

    /// <summary>The filter block this scope is for.</summary>
    public FilterBlock Block { get; }

    /// <summary>The block's filter.</summary>
    public ConfigFilter Filter => Block.Filter;

    /// <summary>The settings that apply here.</summary>
    public SettingsNode Effective { get; }

    /// <summary>The global scope.</summary>
    public bool IsGlobal => Filter.IsGlobal;

    /// <summary>The protocol this scope is for, or null (global, or a filter without a protocol).</summary>
    public string? Protocol => Filter.Protocol;

    /// <summary>A delivery scope: <c>protocol lda</c> or <c>protocol lmtp</c>.</summary>
    public bool IsDelivery => Protocol == "lda" || Protocol == "lmtp";

    /// <summary>The effective value of a root setting: assigned here or globally, else Dovecot's default.</summary>
    public string Value(string name) => Effective.Get(name)?.Value ?? DefaultOf(name);

    /// <summary>Whether a boolean setting is yes.</summary>
    public bool IsYes(string name) => Value(name) == "yes";

    /// <summary>The assignment that gives a root setting its value here, or null for the default.</summary>
    public SettingValue? Assigned(string name) => Effective.Get(name);

    /// <summary>Whether this block itself assigns the setting (not only the global scope).</summary>
    public bool AssignsHere(string name) => Block.Root.Get(name) != null;

    /// <summary>Where a setting is assigned, or, when it is left at its default, the place that lacks it.</summary>
    public SourceLocation LocationOf(string name) => Assigned(name)?.Location ?? Anchor;

    /// <summary>
    /// The place to point at when a setting is missing: this filter block when it is one, else the mail_location
    /// assignment, else the first namespace, else the top of the main file.
    /// </summary>
    public SourceLocation Anchor
    {
        get
        {
            if (Block.Location is SourceLocation filterAt)
            {
                return filterAt;
            }

            var mailLocation = Assigned("mail_location");
            if (mailLocation != null)
            {
                return mailLocation.Location;
            }

            var ns = Effective.Children.FirstOrDefault(c => c.Type == "namespace");
            return ns?.Get("location")?.Location ?? ns?.Location ?? new SourceLocation(Config.Path, 1, 1);
        }
    }

    /// <summary>Section instances of a type in effect here (e.g. "namespace", "service").</summary>
    public IEnumerable<SettingsNode> Sections(string type) => Effective.Children.Where(c => c.Type == type);

    /// <summary>Every path of every mail location in effect (mail_location and namespace locations), resolved against the profile.</summary>
    public IReadOnlyList<StoragePath> Paths => paths ??= ResolvePaths();

    /// <summary>Paths with a role.</summary>
    public IEnumerable<StoragePath> PathsOf(StoragePathRole role) => Paths.Where(p => p.Role == role);

    /// <summary>The mail locations in effect, each with the setting that holds it and where.</summary>
    public IEnumerable<(MailLocation Location, string Origin, SourceLocation At)> MailLocations() =>
        Locations().Select(l => (l.Location, l.Origin, l.At));

    // The mail locations with the assignment each comes from (null for the default mail_location).
    private IEnumerable<(MailLocation Location, string Origin, SourceLocation At, SettingValue? Assignment)> Locations()
    {
        var global = Assigned("mail_location");
        string globalValue = Value("mail_location");
        bool anyNamespaceUsesGlobal = false;
        foreach (var ns in Sections("namespace"))
        {
            var own = ns.Get("location");
            if (own != null && own.Value.Length > 0)
            {
                yield return (cache.Location(own), "namespace " + ns.Name + " { location }", own.Location, own);
            }
            else
            {
                anyNamespaceUsesGlobal = true;
            }
        }

        if ((anyNamespaceUsesGlobal || !Sections("namespace").Any()) && globalValue.Length > 0)
        {
            yield return (global != null ? cache.Location(global) : MailLocation.Parse(globalValue), "mail_location", global?.Location ?? Anchor, global);
        }
    }

    private List<StoragePath> ResolvePaths()
    {
        var result = new List<StoragePath>();
        string home = Value("mail_home");
        foreach (var (location, origin, at, assignment) in Locations())
        {
            // The same assignment (a namespace only the global block sets) resolves alike in every scope.
            if (assignment != null && cache.TryGetPaths(assignment, home, out var known))
            {
                result.AddRange(known);
                continue;
            }

            int first = result.Count;
            void Add(StoragePathRole role, string? template)
            {
                if (template == null || template.Length == 0)
                {
                    return;
                }

                var (mount, reason) = Resolve(template);
                result.Add(new StoragePath(role, template, location, origin, at, mount, reason));
            }

            Add(StoragePathRole.Mail, location.Root);
            Add(StoragePathRole.Index, location.IndexPath);
            Add(StoragePathRole.Control, location.ControlPath);
            Add(StoragePathRole.Volatile, location.VolatilePath);
            Add(StoragePathRole.ListIndex, location.ListIndexDirectory);
            Add(StoragePathRole.Alt, location.Parameter("ALT"));
            if (assignment != null)
            {
                cache.AddPaths(assignment, home, result.GetRange(first, result.Count - first).ToArray());
            }
        }

        return result;
    }

    // The part of a path before its first %-variable decides the mount; ~ and %h are the home, which only
    // mail_home can tell without asking the userdb.
    private (MountDefinition? Mount, string? Reason) Resolve(string template)
    {
        if (template == "MEMORY")
        {
            return (null, null);
        }

        if (Profile == null)
        {
            return (null, "no storage profile");
        }

        string path = template;
        if (path.StartsWith("~", StringComparison.Ordinal) || path.StartsWith("%h", StringComparison.Ordinal) || path.StartsWith("%{home}", StringComparison.Ordinal))
        {
            string home = Value("mail_home");
            if (home.Length == 0)
            {
                return (null, "the path is in the user's home directory, which the userdb gives; set mail_home or use an absolute path to place it");
            }

            int skip = path.StartsWith("~", StringComparison.Ordinal) ? 1 : path.StartsWith("%h", StringComparison.Ordinal) ? 2 : 7;
            path = home.TrimEnd('/') + path.Substring(skip);
        }

        if (!path.StartsWith("/", StringComparison.Ordinal))
        {
            return (null, "'" + template + "' is not an absolute path");
        }

        int variable = path.IndexOf('%');
        string prefix = variable < 0 ? path : path.Substring(0, path.LastIndexOf('/', variable) + 1);
        string fixedPart = prefix.Length > 1 ? prefix.TrimEnd('/') : prefix;
        if (variable >= 0)
        {
            var below = Profile.Mounts.Where(m => m.Path.StartsWith(prefix, StringComparison.Ordinal) && m.Path.Length > fixedPart.Length).ToList();
            if (below.Count > 0)
            {
                return (null, "'" + template + "' lands on " + string.Join(" or ", below.Select(m => m.ToString())) + " depending on the user");
            }
        }

        var mount = Profile.FindMount(fixedPart);
        return mount == null ? (null, "'" + template + "' is under no mount of the storage profile " + Profile.SourcePath) : (mount, null);
    }

    private string DefaultOf(string name)
    {
        var def = Config.Schema.Root.FindSetting(name);
        return def == null ? string.Empty : def.Type == SettingType.Enum && def.Values.Count > 0 ? def.Values[0] : def.Default;
    }
}
