using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// dsync replication (the <c>replication</c> mail plugin, <c>plugin { mail_replica }</c>, or a configured
/// <c>service replicator</c>/<c>aggregator</c>) together with director (<c>director_servers</c>), which the
/// replication documentation says is not supported; or together with shared namespaces, whose replication
/// creates duplicate mails.
/// </summary>
public sealed class MSD046ReplicationWithDirector : ConfigRule
{
    /// <summary>Creates the rule.</summary>
    public MSD046ReplicationWithDirector()
        : base(RuleIdentifiers.ReplicationWithDirector, "Replication together with director", RuleSeverity.Warning, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        var (what, at) = Replication(scope);
        if (what == null)
        {
            yield break;
        }

        if (scope.Value("director_servers").Length > 0)
        {
            yield return new RuleFinding(at,
                "dsync replication (" + what + ") is configured together with director (director_servers is set), and Dovecot does not " +
                "support director with replication: director picks each user's backend by its own hash, without regard to which hosts replicate " +
                "that user, so users land on a copy that is behind (mail missing, deleted mail back) and both copies change at once, which " +
                "the replicator resolves by duplicating mails. Use one of them: replicated pairs behind a proxy with a fixed host= per user, or director with one copy of the storage.");
        }

        foreach (var ns in scope.Sections("namespace").Where(n => n.Get("type")?.Value == "shared"))
        {
            yield return new RuleFinding(ns.Get("type")!.Location,
                "namespace " + ns.Name + " is a shared namespace and dsync replication (" + what + ") is configured: each user's replication also " +
                "syncs the other users' shared folders, which are replicated through their owners as well, so mails in shared folders get " +
                "duplicated. Keep shared folders out of replication (replicate only the owners' mailboxes).");
        }
    }

    // What turns replication on, and where.
    private static (string? What, SourceLocation At) Replication(LintScope scope)
    {
        foreach (var plugin in scope.Sections("plugin"))
        {
            var replica = plugin.Values.FirstOrDefault(v => v.Name.StartsWith("mail_replica", StringComparison.Ordinal) && v.Value.Length > 0);
            if (replica != null)
            {
                return (replica.Name + " = " + replica.Value, replica.Location);
            }
        }

        var plugins = scope.Assigned("mail_plugins");
        if (plugins != null && plugins.Value.Split(' ', '\t').Contains("replication"))
        {
            return ("mail_plugins includes replication", plugins.Location);
        }

        var service = scope.Sections("service").FirstOrDefault(s => (s.Name == "replicator" || s.Name == "aggregator") && HasAssignments(s));
        return service != null ? ("service " + service.Name + " is configured", service.Location) : (null, default);
    }

    // Opening a section assigns only its name; an empty section (or one with empty listeners) configures nothing.
    private static bool HasAssignments(SettingsNode node) =>
        node.Values.Any(v => v.Name != node.Definition.NameSetting) || node.Children.Any(HasAssignments);
}
