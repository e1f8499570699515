using System.Collections.Generic;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// Combines the blocks that match a query into the settings that apply (Dovecot's config_filter_parsers_get):
/// the most specific block wins; a less specific block fills only what is still unset. Two matching blocks
/// that set the same setting, neither containing the other, are a conflict.
/// </summary>
internal static class ConfigMerger
{
    public static SettingsNode Merge(DovecotConfig config, ConfigFilter query, out string? conflict)
    {
        conflict = null;
        var matches = config.Blocks.Where(b => b.Filter.Matches(query)).ToList();
        // A stable sort, most specific first, as Dovecot's array_sort over blocks in creation order.
        var ordered = matches.Select((b, i) => (b, i))
            .OrderBy(x => x, Comparer<(FilterBlock b, int i)>.Create((x, y) =>
            {
                int c = ConfigFilter.CompareSpecificity(x.b.Filter, y.b.Filter);
                return c != 0 ? c : x.i.CompareTo(y.i);
            }))
            .Select(x => x.b)
            .ToList();

        var result = ordered[0].Root.CloneInto(null);
        for (int i = 1; i < ordered.Count; i++)
        {
            bool checkConflicts = !ordered[i].Filter.IsSupersetOf(ordered[i - 1].Filter);
            FillUnset(result, ordered[i].Root, checkConflicts, ordered[i], ref conflict);
        }

        return result;
    }

    private static void FillUnset(SettingsNode into, SettingsNode from, bool checkConflicts, FilterBlock source, ref string? conflict)
    {
        foreach (var value in from.Values)
        {
            if (into.Get(value.Name) == null)
            {
                into.Set(value);
            }
            else if (checkConflicts && conflict == null && into.Definition.Kind != SectionKind.StrList)
            {
                conflict = "Conflict in setting " + value.Name + " found from filter at " + source.Location;
            }
        }

        foreach (var child in from.Children)
        {
            var mine = into.GetOrAddChild(child.Definition, child.Name, child.Key, child.Location);
            FillUnset(mine, child, checkConflicts, source, ref conflict);
        }
    }
}
