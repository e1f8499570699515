using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// Combines the blocks that match a query into the settings that apply (Dovecot's config_filter_parsers_get):
/// the most specific block wins; a less specific block fills only what is still unset. Two matching blocks
/// that set the same setting, neither containing the other, are a conflict.
/// </summary>
/// <remarks>
/// The result shares every scope that only one block contributes to instead of copying it: the checks and the
/// linter ask for one view per filter block, and copying the global tree for each of them made memory and time
/// grow with (filters x configuration size). Only the scopes several blocks assign to are new nodes, built in
/// the order a copy-then-fill would give (the most specific block's order, then what each later block adds);
/// their single-source children are small views of the block's nodes (see <see cref="SettingsNode.ViewUnder"/>).
/// </remarks>
internal static class ConfigMerger
{
    public static SettingsNode Merge(DovecotConfig config, ConfigFilter query, out string? conflict)
    {
        var ordered = new List<FilterBlock>();
        foreach (var block in config.Blocks)
        {
            if (block.Filter.Matches(query))
            {
                ordered.Add(block);
            }
        }

        // A stable sort, most specific first, as Dovecot's array_sort over blocks in creation order.
        var rank = new Dictionary<FilterBlock, int>();
        for (int i = 0; i < ordered.Count; i++)
        {
            rank[ordered[i]] = i;
        }

        ordered.Sort((x, y) =>
        {
            int c = ConfigFilter.CompareSpecificity(x.Filter, y.Filter);
            return c != 0 ? c : rank[x].CompareTo(rank[y]);
        });

        conflict = FindConflict(ordered);
        var roots = new List<SettingsNode>(ordered.Count);
        foreach (var block in ordered)
        {
            roots.Add(block.Root);
        }

        return Combine(roots, null);
    }

    // The scope at one path, from the nodes the matching blocks have there (most specific first).
    private static SettingsNode Combine(List<SettingsNode> sources, SettingsNode? parent)
    {
        var first = sources[0];
        if (sources.Count == 1 && parent == null && first.Parent == null)
        {
            return first;
        }

        var result = new SettingsNode(first.Definition, first.Name, first.Key, first.Location, parent);
        foreach (var source in sources)
        {
            foreach (var value in source.Values)
            {
                if (result.Get(value.Name) == null)
                {
                    result.Set(value);
                }
            }
        }

        // Children in first-seen order, each with the nodes every source has at that path.
        var paths = new List<List<SettingsNode>>();
        var byKey = new Dictionary<(string, string), List<SettingsNode>>();
        foreach (var source in sources)
        {
            foreach (var child in source.Children)
            {
                if (!byKey.TryGetValue((child.Type, child.Key), out var list))
                {
                    list = new List<SettingsNode>(1);
                    byKey.Add((child.Type, child.Key), list);
                    paths.Add(list);
                }

                list.Add(child);
            }
        }

        foreach (var list in paths)
        {
            // A view, not the block's node itself: the child's parent, and so its siblings, must be the merged ones.
            result.AddChild(list.Count == 1 ? list[0].ViewUnder(result) : Combine(list, result));
        }

        return result;
    }

    // The first conflict a copy-then-fill merge meets: block by block (least specific last), each block's tree
    // in order, a value already set at that path by a more specific block, unless this block's filter contains
    // the previous one's.
    private static string? FindConflict(List<FilterBlock> ordered)
    {
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Filter.IsSupersetOf(ordered[i - 1].Filter))
            {
                continue;
            }

            var earlier = new List<SettingsNode>(i);
            for (int j = 0; j < i; j++)
            {
                earlier.Add(ordered[j].Root);
            }

            string? conflict = FindConflict(ordered[i].Root, earlier, ordered[i]);
            if (conflict != null)
            {
                return conflict;
            }
        }

        return null;
    }

    private static string? FindConflict(SettingsNode node, List<SettingsNode> earlier, FilterBlock source)
    {
        // The merged scope's kind is the kind of the first block that had it: the same section type everywhere.
        if (earlier.Count > 0 && earlier[0].Definition.Kind != SectionKind.StrList)
        {
            foreach (var value in node.Values)
            {
                foreach (var other in earlier)
                {
                    if (other.Get(value.Name) != null)
                    {
                        return "Conflict in setting " + value.Name + " found from filter at " + source.Location;
                    }
                }
            }
        }

        foreach (var child in node.Children)
        {
            var inEarlier = new List<SettingsNode>();
            foreach (var other in earlier)
            {
                var match = other.FindChild(child.Type, child.Key);
                if (match != null)
                {
                    inEarlier.Add(match);
                }
            }

            string? conflict = FindConflict(child, inEarlier, source);
            if (conflict != null)
            {
                return conflict;
            }
        }

        return null;
    }
}
