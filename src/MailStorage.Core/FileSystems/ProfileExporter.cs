using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Storage;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.Core.FileSystems;

/// <summary>
/// Makes the storage profile the linter reads from what is mounted on this host, so a check on the host and a
/// lint in CI speak one format. The paths come from the caller and, given a configuration, from the paths it
/// uses: <c>mail_location</c> and every namespace <c>location</c> (the mail root and their INDEX, CONTROL,
/// VOLATILEDIR, LISTINDEX and ALT), and <c>mail_home</c>, in the global scope and in every filter. Of each such
/// path only the static part counts: the folder before its first <c>%</c> variable or <c>~</c> (<c>~</c> and
/// <c>%h</c> at the start stand for <c>mail_home</c> when it is set). That folder need not exist here: its nearest
/// existing parent is detected.
/// </summary>
public static class ProfileExporter
{
    /// <summary>The Dovecot version family exported profiles name.</summary>
    public const string DovecotVersion = "2.3";

    private static readonly SearchValues<char> Variables = SearchValues.Create("%~");
    private static readonly string[] HomeVariables = { "~", "%h", "%{home}" };

    /// <summary>
    /// Detects <paramref name="paths"/> (each must exist) and the paths <paramref name="config"/> uses, and makes a
    /// profile of their mounts. A missing path is a <see cref="System.IO.FileNotFoundException"/>.
    /// </summary>
    public static ProfileExport Export(IEnumerable<string> paths, DovecotConfig? config, Topology topology, int? hosts, string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var mounts = MountInfo.ReadCurrent();
        var detected = paths.Select(p => FileSystemDetector.Detect(p, mounts)).ToList();
        var warnings = new List<string>();
        if (config != null)
        {
            DetectConfigPaths(config, mounts, detected, warnings);
        }

        return Build(detected, topology, hosts, sourcePath, warnings);
    }

    /// <summary>
    /// Detects the filesystem of each path <paramref name="config"/> uses (<see cref="ConfigPaths"/>): the nearest
    /// existing parent of its static prefix goes into <paramref name="detected"/>; a path without a static prefix is
    /// a warning (<c>setting = template: reason</c>) in <paramref name="warnings"/>.
    /// </summary>
    /// <param name="config">The configuration whose paths are detected.</param>
    /// <param name="mounts">The mount table to detect against; null reads the current one for each path.</param>
    /// <param name="detected">Receives the filesystems found, in <see cref="ConfigPaths"/>' order.</param>
    /// <param name="warnings">Receives the paths that have no static prefix.</param>
    /// <param name="looking">Told each prefix before it is detected.</param>
    /// <param name="failed">
    /// Told a prefix whose detection failed (<see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>,
    /// <see cref="InvalidDataException"/>), and the other paths are still detected; without it, the failure propagates.
    /// </param>
    public static void DetectConfigPaths(
        DovecotConfig config,
        IReadOnlyList<MountInfoEntry>? mounts,
        ICollection<DetectedFileSystem> detected,
        ICollection<string> warnings,
        Action<ConfigPathPrefix>? looking = null,
        Action<ConfigPathPrefix, Exception>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(detected);
        ArgumentNullException.ThrowIfNull(warnings);
        foreach (var path in ConfigPaths(config))
        {
            if (path.Prefix == null)
            {
                warnings.Add(path.Setting + " = " + path.Template + ": " + path.Reason);
                continue;
            }

            looking?.Invoke(path);
            try
            {
                detected.Add(mounts == null ? FileSystemDetector.DetectNearest(path.Prefix) : FileSystemDetector.DetectNearest(path.Prefix, mounts));
            }
            catch (Exception ex) when (failed != null && (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException))
            {
                failed(path, ex);
            }
        }
    }

    /// <summary>
    /// A profile of the mounts under <paramref name="fileSystems"/>: one per mount point, sorted by path, with
    /// mountinfo's type and options. Filesystems the profile format cannot name (proc, devtmpfs ...) are left
    /// out with a warning.
    /// </summary>
    public static ProfileExport Build(IEnumerable<DetectedFileSystem> fileSystems, Topology topology, int? hosts, string sourcePath, IEnumerable<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystems);
        var all = fileSystems.ToList();
        var notes = new List<string>(warnings ?? Array.Empty<string>());
        var byMountPoint = new SortedDictionary<string, MountDefinition>(StringComparer.Ordinal);
        foreach (var fs in all)
        {
            if (byMountPoint.ContainsKey(fs.MountPoint))
            {
                continue;
            }

            if (FileSystemCatalog.ParseKind(fs.FsTypeName) == FileSystemKind.Unknown)
            {
                notes.Add(fs.Path + " is on " + fs.MountPoint + ", a '" + fs.FsTypeName + "' filesystem the storage profile cannot name: left out");
                continue;
            }

            byMountPoint[fs.MountPoint] = new MountDefinition(fs.MountPoint, fs.FsTypeName, fs.Options, new SourceLocation(sourcePath, 0, 0));
        }

        var profile = new StorageProfile(DovecotVersion, topology, hosts, byMountPoint.Values.ToList(), new Dictionary<string, string>(StringComparer.Ordinal), sourcePath);
        return new ProfileExport(profile, all, notes);
    }

    /// <summary>The paths a configuration uses, each with its static prefix (or why it has none), without duplicates.</summary>
    public static IReadOnlyList<ConfigPathPrefix> ConfigPaths(DovecotConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var result = new List<ConfigPathPrefix>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in config.Blocks)
        {
            var effective = config.GetEffective(block.Filter);
            var homeValue = effective.Get("mail_home");
            string home = homeValue?.Value ?? string.Empty;

            void Add(string setting, string? template, SourceLocation? at)
            {
                if (string.IsNullOrEmpty(template) || template == "MEMORY" || !seen.Add(setting + "\n" + template))
                {
                    return;
                }

                var (prefix, reason) = StaticPrefix(template!, home);
                result.Add(new ConfigPathPrefix(setting, template!, prefix, reason, at));
            }

            void AddLocation(string origin, SettingValue? assigned)
            {
                var location = MailLocation.Parse(assigned?.Value ?? string.Empty);
                var at = assigned?.Location;
                Add(origin, location.Root, at);
                Add(origin + " INDEX", location.Parameter("INDEX"), at);
                Add(origin + " CONTROL", location.Parameter("CONTROL"), at);
                Add(origin + " VOLATILEDIR", location.VolatilePath, at);
                Add(origin + " LISTINDEX", location.ListIndexDirectory, at);
                Add(origin + " ALT", location.Parameter("ALT"), at);
            }

            AddLocation("mail_location", effective.Get("mail_location"));
            foreach (var ns in effective.Children.Where(c => c.Type == "namespace"))
            {
                var own = ns.Get("location");
                if (own != null && own.Value.Length > 0)
                {
                    AddLocation("namespace " + ns.Name + " { location }", own);
                }
            }

            Add("mail_home", home, homeValue?.Location);
        }

        return result;
    }

    /// <summary>
    /// The folder before the first <c>%</c> or <c>~</c> of a path: <c>/srv/mail/%d/%n</c> gives <c>/srv/mail</c>.
    /// A leading <c>~</c>, <c>%h</c> or <c>%{home}</c> is replaced by <paramref name="home"/> (mail_home) first.
    /// </summary>
    public static (string? Prefix, string? Reason) StaticPrefix(string template, string home)
    {
        ArgumentNullException.ThrowIfNull(template);
        string path = template;
        foreach (var homeVariable in HomeVariables)
        {
            if (path.StartsWith(homeVariable, StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(home) || home.StartsWith(homeVariable, StringComparison.Ordinal))
                {
                    return (null, "in the user's home directory, which only the userdb knows; set mail_home or use an absolute path");
                }

                path = string.Concat(home.AsSpan().TrimEnd('/'), path.AsSpan(homeVariable.Length));
                break;
            }
        }

        if (!path.StartsWith('/'))
        {
            return (null, "not an absolute path");
        }

        int variable = path.AsSpan().IndexOfAny(Variables);
        string prefix = variable < 0 ? path : path.Substring(0, path.LastIndexOf('/', variable) + 1);
        return (prefix.Length > 1 ? prefix.TrimEnd('/') : prefix, null);
    }
}
