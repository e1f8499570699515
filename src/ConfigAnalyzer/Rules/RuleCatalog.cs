using System;
using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>Every rule in this assembly, one instance each, in id order.</summary>
public static class RuleCatalog
{
    private static readonly Lazy<IReadOnlyList<ConfigRule>> Rules = new Lazy<IReadOnlyList<ConfigRule>>(() =>
        typeof(ConfigRule).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(ConfigRule).IsAssignableFrom(t))
            .Select(t => (ConfigRule)Activator.CreateInstance(t)!)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList());

    /// <summary>All rules.</summary>
    public static IReadOnlyList<ConfigRule> All => Rules.Value;

    /// <summary>The rule with this id, or null.</summary>
    public static ConfigRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
