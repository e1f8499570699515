using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>Every rule in this assembly, one instance each, in id order.</summary>
public static class RuleCatalog
{
    private static readonly Lazy<IReadOnlyList<ConfigRule>> Rules = new Lazy<IReadOnlyList<ConfigRule>>(() =>
        LoadableTypes()
            .Where(t => !t.IsAbstract && typeof(ConfigRule).IsAssignableFrom(t))
            .Select(t => (ConfigRule)Activator.CreateInstance(t)!)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList());

    /// <summary>All rules.</summary>
    public static IReadOnlyList<ConfigRule> All => Rules.Value;

    // The assembly also holds the Roslyn analyzer (Analyzer/), whose base type is in Microsoft.CodeAnalysis: the
    // compiler has it, the PowerShell module and the tests do not. The rules never need it.
    private static IEnumerable<Type> LoadableTypes()
    {
        try
        {
            return typeof(ConfigRule).Assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.Where(t => t != null)!;
        }
    }

    /// <summary>The rule with this id, or null.</summary>
    public static ConfigRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
