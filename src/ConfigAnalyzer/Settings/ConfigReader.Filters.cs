using System.Collections.Generic;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <content>Filters (protocol, local, local_name, remote): opening one, nesting rules, and the filter-before-global warning.</content>
public sealed partial class ConfigReader
{
    // Keyed by (section prefix, key): no string is built per assignment to look it up.
    private readonly Dictionary<(string Prefix, string Key), string> seenInFilters = new Dictionary<(string Prefix, string Key), string>();

    // doveconf warns when a global setting follows a filter that already set it: the filter keeps its value.
    private void NoteFilterUse(Input input, string prefix, string key)
    {
        if (current.Parent == null && seenInFilters.Count == 0)
        {
            return;
        }

        seenInFilters.TryGetValue((prefix, key), out var firstPos);
        if (current.Parent == null)
        {
            if (firstPos != null)
            {
                Warn(input.Path + " line " + Num(input.LineNumber) + ": Global setting " + key + " won't change the setting inside an earlier filter at " + firstPos +
                     " (if this is intentional, avoid this warning by moving the global setting before " + firstPos + ")",
                     new SourceLocation(input.Path, input.LineNumber, 1));
            }

            return;
        }

        if (firstPos == null)
        {
            seenInFilters[(prefix, key)] = input.Path + " line " + Num(input.LineNumber);
        }
    }

    private bool TryBeginFilter(string key, string value, SourceLocation location)
    {
        var parent = current.Filter;
        string? protocol = parent.Protocol, localName = parent.LocalName;
        IPNetwork? local = parent.Local, remote = parent.Remote;
        switch (key)
        {
            case "protocol":
                if (parent.Protocol != null)
                {
                    error = "Nested protocol { protocol { .. } } block not allowed";
                    return true;
                }

                protocol = value;
                break;
            case "local":
                if (parent.Remote != null)
                {
                    error = "remote { local { .. } } not allowed (use local { remote { .. } } instead)";
                }
                else if (parent.Protocol != null)
                {
                    error = "protocol { local { .. } } not allowed (use local { protocol { .. } } instead)";
                }
                else if (parent.LocalName != null)
                {
                    error = "local_name { local { .. } } not allowed (use local { local_name { .. } } instead)";
                }
                else
                {
                    local = NestedNetwork("local", parent.Local, value);
                }

                if (error != null)
                {
                    return true;
                }

                break;
            case "local_name":
                if (parent.Remote != null)
                {
                    error = "remote { local_name { .. } } not allowed (use local_name { remote { .. } } instead)";
                    return true;
                }

                if (parent.Protocol != null)
                {
                    error = "protocol { local_name { .. } } not allowed (use local_name { protocol { .. } } instead)";
                    return true;
                }

                localName = value;
                break;
            case "remote":
                if (parent.Protocol != null)
                {
                    error = "protocol { remote { .. } } not allowed (use remote { protocol { .. } } instead)";
                }
                else
                {
                    remote = NestedNetwork("remote", parent.Remote, value);
                }

                if (error != null)
                {
                    return true;
                }

                break;
            default:
                return false;
        }

        var filter = new ConfigFilter(protocol, local, localName, remote);
        FilterBlock? block = blocks.Find(b => b.Filter.Equals(filter));
        if (block == null)
        {
            block = new FilterBlock(filter, new SettingsNode(schema.Root, string.Empty, string.Empty, location, null), location);
            blocks.Add(block);
        }

        current = new Section(current, SectionRole.Filter, key, filter, block, current.Path, current.Definition, location);
        return true;
    }

    // A local or remote network, which inside another of its kind must lie within it.
    private IPNetwork? NestedNetwork(string kind, IPNetwork? outer, string value)
    {
        if (!IPNetwork.TryParse(value, out var network, out var netError))
        {
            error = netError;
            return null;
        }

        if (outer != null && (outer.Bits > network!.Bits || !outer.Contains(network.Address)))
        {
            error = kind + " net1 { " + kind + " net2 { .. } } requires net2 to be inside net1";
        }

        return network;
    }
}
