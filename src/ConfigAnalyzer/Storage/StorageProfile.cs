using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.ConfigAnalyzer.Syntax;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>
/// Where a configuration will run: the Dovecot version family, how users reach the backends, how many hosts
/// share the storage, and the mounts under the mail paths. Read from YAML (mailstorage.yaml):
/// <code>
/// dovecot: "2.3"
/// topology: sticky        # single | sticky | random
/// hosts: 4
/// mounts:
///   - path: /srv/mail
///     type: nfs4
///     options: [hard, vers=4.2, actimeo=60]
/// rules:                  # severity overrides: error | warning | info | none
///   MSD053: none
/// </code>
/// </summary>
public sealed class StorageProfile
{
    private static readonly string[] TopLevelKeys = { "dovecot", "topology", "hosts", "mounts", "rules", "requires" };
    private static readonly string[] MountKeys = { "path", "type", "options" };

    /// <summary>Creates a profile.</summary>
    public StorageProfile(string dovecotVersion, Topology topology, int? hosts, IReadOnlyList<MountDefinition> mounts, IReadOnlyDictionary<string, string> severityOverrides, string sourcePath, IReadOnlyList<StorageRequirement>? requirements = null)
    {
        Requirements = requirements ?? Array.Empty<StorageRequirement>();
        DovecotVersion = dovecotVersion;
        Topology = topology;
        Hosts = hosts;
        Mounts = mounts;
        SeverityOverrides = severityOverrides;
        SourcePath = sourcePath;
    }

    /// <summary>Dovecot version family, "2.3" or "2.4".</summary>
    public string DovecotVersion { get; }

    /// <summary>How users reach the backends.</summary>
    public Topology Topology { get; }

    /// <summary>How many backends share the storage, when given.</summary>
    public int? Hosts { get; }

    /// <summary>The mounts, as listed.</summary>
    public IReadOnlyList<MountDefinition> Mounts { get; }

    /// <summary>Rule id to severity word (error, warning, info, none).</summary>
    public IReadOnlyDictionary<string, string> SeverityOverrides { get; }

    /// <summary>Settings the storage is known to need (<c>requires:</c>), e.g. from Test-MailStorageCapability.</summary>
    public IReadOnlyList<StorageRequirement> Requirements { get; }

    /// <summary>This profile with <paramref name="requirements"/> added, replacing any for the same settings.</summary>
    public StorageProfile WithRequirements(IEnumerable<StorageRequirement> requirements)
    {
        var added = requirements.ToList();
        var kept = Requirements.Where(r => added.All(a => a.Setting != r.Setting));
        return new StorageProfile(DovecotVersion, Topology, Hosts, Mounts, SeverityOverrides, SourcePath, kept.Concat(added).ToList());
    }

    /// <summary>The profile file.</summary>
    public string SourcePath { get; }

    /// <summary>More than one host uses the storage (topology sticky or random, or hosts &gt; 1).</summary>
    public bool IsMultiHost => Topology != Topology.Single || (Hosts ?? 1) > 1;

    /// <summary>The mount with the longest mount point that contains <paramref name="absolutePath"/>, or null.</summary>
    public MountDefinition? FindMount(string absolutePath) =>
        Mounts.Where(m => m.Contains(absolutePath)).OrderByDescending(m => m.Path.Length).FirstOrDefault();

    /// <summary>Reads a profile file; a problem is a <see cref="StorageProfileException"/> naming file, line and column.</summary>
    public static StorageProfile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new StorageProfileException("cannot read the storage profile: " + e.Message, new SourceLocation(path, 0, 0));
        }

        return Parse(new StringReader(text), path);
    }

    /// <summary>Reads a profile from YAML text; <paramref name="path"/> names it in errors.</summary>
    public static StorageProfile Parse(TextReader reader, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new StorageProfileException("not valid YAML: " + Innermost(e).Message.Trim(), At(path, e.Start));
        }

        // YamlStream reads every document; only the first would be looked at, so a profile split by '---' would lose
        // the rest silently.
        if (stream.Documents.Count > 1)
        {
            throw new StorageProfileException(
                "a second YAML document starts here (after '---'): a storage profile is one document; put its keys in the first one or in a profile of its own",
                At(path, stream.Documents[1].RootNode.Start));
        }

        if (stream.Documents.Count == 0 || !(stream.Documents[0].RootNode is YamlMappingNode root))
        {
            throw new StorageProfileException("a storage profile is a mapping with dovecot, topology, hosts and mounts", new SourceLocation(path, 1, 1));
        }

        foreach (var key in root.Children.Keys)
        {
            string name = Text(key, path);
            if (Array.IndexOf(TopLevelKeys, name) < 0)
            {
                throw new StorageProfileException("unknown key '" + name + "' (expected " + string.Join(", ", TopLevelKeys) + ")", At(path, key.Start));
            }
        }

        string version = "2.3";
        if (Child(root, "dovecot") is YamlNode versionNode)
        {
            version = Text(versionNode, path);
            if (version != "2.3" && version != "2.4")
            {
                throw new StorageProfileException("dovecot must be \"2.3\" or \"2.4\", not '" + version + "'", At(path, versionNode.Start));
            }
        }

        var topology = Topology.Single;
        if (Child(root, "topology") is YamlNode topologyNode)
        {
            string word = Text(topologyNode, path);
            topology = word switch
            {
                "single" => Topology.Single,
                "sticky" => Topology.Sticky,
                "random" => Topology.Random,
                _ => throw new StorageProfileException("topology must be single, sticky or random, not '" + word + "'", At(path, topologyNode.Start)),
            };
        }

        int? hosts = null;
        if (Child(root, "hosts") is YamlNode hostsNode)
        {
            if (!int.TryParse(Text(hostsNode, path), out int count) || count < 1)
            {
                throw new StorageProfileException("hosts must be a whole number of at least 1", At(path, hostsNode.Start));
            }

            hosts = count;
        }

        var mounts = new List<MountDefinition>();
        if (Child(root, "mounts") is YamlNode mountsNode)
        {
            if (!(mountsNode is YamlSequenceNode sequence))
            {
                throw new StorageProfileException("mounts must be a list of {path, type, options}", At(path, mountsNode.Start));
            }

            foreach (var item in sequence.Children)
            {
                mounts.Add(ReadMount(item, path));
            }
        }

        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(root, "rules") is YamlNode rulesNode)
        {
            if (!(rulesNode is YamlMappingNode rules))
            {
                throw new StorageProfileException("rules must map rule ids to error, warning, info or none", At(path, rulesNode.Start));
            }

            foreach (var entry in rules.Children)
            {
                string severity = Text(entry.Value, path).ToLowerInvariant();
                if (severity != "error" && severity != "warning" && severity != "info" && severity != "none")
                {
                    throw new StorageProfileException("severity for " + Text(entry.Key, path) + " must be error, warning, info or none, not '" + severity + "'", At(path, entry.Value.Start));
                }

                overrides[Text(entry.Key, path)] = severity;
            }
        }

        var requirements = new List<StorageRequirement>();
        if (Child(root, "requires") is YamlNode requiresNode)
        {
            if (!(requiresNode is YamlMappingNode requires))
            {
                throw new StorageProfileException("requires must map Dovecot settings to the value the storage needs", At(path, requiresNode.Start));
            }

            foreach (var entry in requires.Children)
            {
                string setting = Text(entry.Key, path);
                if (Settings.SettingsSchema.Dovecot23.Root.FindSetting(setting) == null)
                {
                    throw new StorageProfileException("requires names '" + setting + "', which is not a Dovecot setting", At(path, entry.Key.Start));
                }

                // Either "setting: value" or "setting: { value: ..., reason: ... }".
                string value, reason = string.Empty;
                if (entry.Value is YamlMappingNode detail)
                {
                    var valueNode = Child(detail, "value") ?? throw new StorageProfileException("requirement for " + setting + " has no value", At(path, entry.Value.Start));
                    value = Text(valueNode, path);
                    reason = Child(detail, "reason") is YamlNode reasonNode ? Text(reasonNode, path) : string.Empty;
                }
                else
                {
                    value = Text(entry.Value, path);
                }

                requirements.Add(new StorageRequirement(setting, value, reason, At(path, entry.Key.Start)));
            }
        }

        return new StorageProfile(version, topology, hosts, mounts, overrides, path, requirements);
    }

    private static MountDefinition ReadMount(YamlNode node, string path)
    {
        if (!(node is YamlMappingNode mount))
        {
            throw new StorageProfileException("each mount is a mapping with path, type and options", At(path, node.Start));
        }

        foreach (var key in mount.Children.Keys)
        {
            string name = Text(key, path);
            if (Array.IndexOf(MountKeys, name) < 0)
            {
                throw new StorageProfileException("unknown mount key '" + name + "' (expected path, type, options)", At(path, key.Start));
            }
        }

        var pathNode = Child(mount, "path") ?? throw new StorageProfileException("mount without a path", At(path, node.Start));
        string mountPath = Text(pathNode, path);
        if (!mountPath.StartsWith("/", StringComparison.Ordinal))
        {
            throw new StorageProfileException("mount path must be absolute, not '" + mountPath + "'", At(path, pathNode.Start));
        }

        var typeNode = Child(mount, "type") ?? throw new StorageProfileException("mount " + mountPath + " has no type", At(path, node.Start));
        string type = Text(typeNode, path);
        if (FileSystemCatalog.ParseKind(type) == FileSystemKind.Unknown)
        {
            throw new StorageProfileException("unknown filesystem type '" + type + "' (nfs, nfs3, nfs4, cifs, smb3, gfs2, ocfs2, glusterfs, fuse, fuse.<name>, ext4, xfs, btrfs, zfs, tmpfs, overlay)", At(path, typeNode.Start));
        }

        var options = new List<string>();
        if (Child(mount, "options") is YamlNode optionsNode)
        {
            if (optionsNode is YamlSequenceNode list)
            {
                options.AddRange(list.Children.Select(o => Text(o, path)));
            }
            else
            {
                // Also accept fstab's comma-separated form.
                options.AddRange(Text(optionsNode, path).Split(',').Select(o => o.Trim()).Where(o => o.Length > 0));
            }
        }

        return new MountDefinition(mountPath, type, options, At(path, node.Start));
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Text(YamlNode node, string path) =>
        node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : throw new StorageProfileException("expected a single value here", At(path, node.Start));

    private static SourceLocation At(string path, Mark mark) => new SourceLocation(path, (int)mark.Line, (int)mark.Column);

    private static Exception Innermost(Exception e) => e.InnerException == null ? e : Innermost(e.InnerException);
}
