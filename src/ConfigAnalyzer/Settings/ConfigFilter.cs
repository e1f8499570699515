using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>An IP network written as <c>address[/bits]</c> in a <c>local</c> or <c>remote</c> filter.</summary>
public sealed class IPNetwork : IEquatable<IPNetwork>
{
    private IPNetwork(IPAddress address, int bits)
    {
        Address = address;
        Bits = bits;
    }

    /// <summary>The network address as written.</summary>
    public IPAddress Address { get; }

    /// <summary>Prefix length.</summary>
    public int Bits { get; }

    /// <summary>Parses <c>address[/bits]</c>; error is doveconf's message.</summary>
    public static bool TryParse(string text, out IPNetwork? network, out string error)
    {
        network = null;
        error = string.Empty;
        int slash = text.IndexOf('/');
        string host = slash < 0 ? text : text.Substring(0, slash);
        if (!TryParseAddress(host, out var address))
        {
            // doveconf would resolve a host name here; a linter must not depend on DNS.
            error = "gethostbyname(" + host + ") failed: host names are not resolved here, use an IP address";
            return false;
        }

        int max = address!.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int bits = max;
        if (slash >= 0)
        {
            string mask = text.Substring(slash + 1);
            if (!int.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits > max)
            {
                error = "Invalid network mask: " + mask;
                return false;
            }
        }

        network = new IPNetwork(address, bits);
        return true;
    }

    /// <summary>Parses an address the way inet_pton does (no short IPv4 forms).</summary>
    public static bool TryParseAddress(string text, out IPAddress? address)
    {
        address = null;
        if (text.StartsWith("[", StringComparison.Ordinal) && text.EndsWith("]", StringComparison.Ordinal))
        {
            text = text.Substring(1, text.Length - 2);
        }

        if (text.IndexOf(':') < 0)
        {
            var parts = text.Split('.');
            if (parts.Length != 4)
            {
                return false;
            }

            foreach (var part in parts)
            {
                if (part.Length == 0 || part.Length > 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int octet) || octet > 255)
                {
                    return false;
                }
            }
        }

        return IPAddress.TryParse(text, out address);
    }

    /// <summary>Whether <paramref name="other"/>'s address lies inside this network.</summary>
    public bool Contains(IPAddress other)
    {
        var a = Address.GetAddressBytes();
        var b = other.GetAddressBytes();
        if (a.Length != b.Length)
        {
            return false;
        }

        int bits = Bits;
        for (int i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (b[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>doveconf's form: the address, and <c>/bits</c> unless it is a single host.</summary>
    public override string ToString()
    {
        int max = Address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return Bits == max ? Address.ToString() : Address + "/" + Bits.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public bool Equals(IPNetwork? other) => other != null && Bits == other.Bits && Address.Equals(other.Address);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as IPNetwork);

    /// <inheritdoc />
    public override int GetHashCode() => Address.GetHashCode() ^ Bits;
}

/// <summary>
/// Where a block of settings applies: <c>protocol</c>, <c>local</c>, <c>local_name</c> and <c>remote</c>
/// (Dovecot's struct config_filter). The empty filter is the global scope.
/// </summary>
public sealed class ConfigFilter : IEquatable<ConfigFilter>
{
    /// <summary>The global scope.</summary>
    public static readonly ConfigFilter Global = new ConfigFilter(null, null, null, null);

    /// <summary>Creates a filter.</summary>
    public ConfigFilter(string? protocol, IPNetwork? local, string? localName, IPNetwork? remote)
    {
        Protocol = protocol;
        Local = local;
        LocalName = localName;
        Remote = remote;
    }

    /// <summary>Protocol (service) name; may start with <c>!</c> for "every protocol but".</summary>
    public string? Protocol { get; }

    /// <summary>Local address network.</summary>
    public IPNetwork? Local { get; }

    /// <summary>Local host name(s), space separated, wildcards allowed.</summary>
    public string? LocalName { get; }

    /// <summary>Remote address network.</summary>
    public IPNetwork? Remote { get; }

    /// <summary>True for the global scope.</summary>
    public bool IsGlobal => Protocol == null && Local == null && LocalName == null && Remote == null;

    internal int LocalBits => Local?.Bits ?? 0;

    internal int RemoteBits => Remote?.Bits ?? 0;

    /// <summary>Parses the -Filter form <c>protocol=imap,local=10.0.0.1,remote=...,local_name=...</c>.</summary>
    public static ConfigFilter Parse(IEnumerable<string> parts)
    {
        string? protocol = null, localName = null;
        IPNetwork? local = null, remote = null;
        foreach (var raw in parts)
        {
            foreach (var part in raw.Split(','))
            {
                var item = part.Trim();
                if (item.Length == 0)
                {
                    continue;
                }

                int eq = item.IndexOf('=');
                if (eq <= 0)
                {
                    throw new FormatException("Filter '" + item + "' is not name=value (protocol, local, local_name or remote).");
                }

                string name = item.Substring(0, eq), value = item.Substring(eq + 1);
                switch (name)
                {
                    case "protocol": protocol = value; break;
                    case "local_name": localName = value; break;
                    case "local":
                    case "remote":
                        if (!IPNetwork.TryParse(value, out var net, out var error))
                        {
                            throw new FormatException("Filter " + name + "=" + value + ": " + error);
                        }

                        if (name == "local")
                        {
                            local = net;
                        }
                        else
                        {
                            remote = net;
                        }

                        break;
                    default:
                        throw new FormatException("Unknown filter '" + name + "' (use protocol, local, local_name or remote).");
                }
            }
        }

        return new ConfigFilter(protocol, local, localName, remote);
    }

    /// <summary>Whether the settings of a block with this filter apply to a connection described by <paramref name="query"/>.</summary>
    public bool Matches(ConfigFilter query) => MatchesProtocol(query) && MatchesRest(query);

    internal bool MatchesProtocol(ConfigFilter query)
    {
        if (Protocol == null)
        {
            return true;
        }

        if (query.Protocol == null)
        {
            return false;
        }

        return Protocol[0] == '!' ? query.Protocol != Protocol.Substring(1) : query.Protocol == Protocol;
    }

    internal bool MatchesRest(ConfigFilter query)
    {
        if (LocalName != null)
        {
            if (query.LocalName == null)
            {
                return false;
            }

            bool any = false;
            foreach (var name in LocalName.Split(' '))
            {
                any |= WildcardMatch(query.LocalName, name);
            }

            if (!any)
            {
                return false;
            }
        }

        if (Remote != null && (query.Remote == null || !Remote.Contains(query.Remote.Address)))
        {
            return false;
        }

        return Local == null || (query.Local != null && Local.Contains(query.Local.Address));
    }

    /// <summary>Dovecot's order of specificity: local_name, then longer local, longer remote, then protocol first.</summary>
    internal static int CompareSpecificity(ConfigFilter f1, ConfigFilter f2)
    {
        if (f1.LocalName != null && f2.LocalName == null)
        {
            return -1;
        }

        if (f1.LocalName == null && f2.LocalName != null)
        {
            return 1;
        }

        if (f1.LocalBits != f2.LocalBits)
        {
            return f1.LocalBits > f2.LocalBits ? -1 : 1;
        }

        if (f1.RemoteBits != f2.RemoteBits)
        {
            return f1.RemoteBits > f2.RemoteBits ? -1 : 1;
        }

        if (f1.Protocol != null && f2.Protocol == null)
        {
            return -1;
        }

        return f1.Protocol == null && f2.Protocol != null ? 1 : 0;
    }

    internal bool IsSupersetOf(ConfigFilter filter)
    {
        if (LocalBits > filter.LocalBits || RemoteBits > filter.RemoteBits)
        {
            return false;
        }

        if (LocalName != null && filter.LocalName == null)
        {
            return false;
        }

        return !(Protocol != null && filter.Protocol == null);
    }

    private static bool WildcardMatch(string name, string pattern)
    {
        // dns_match_wildcard: case-insensitive, '*' and '?' wildcards.
        return WildcardAt(name.ToLowerInvariant(), 0, pattern.ToLowerInvariant(), 0);
    }

    private static bool WildcardAt(string s, int i, string p, int j)
    {
        while (j < p.Length)
        {
            if (p[j] == '*')
            {
                for (int k = i; k <= s.Length; k++)
                {
                    if (WildcardAt(s, k, p, j + 1))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (i >= s.Length || (p[j] != '?' && p[j] != s[i]))
            {
                return false;
            }

            i++;
            j++;
        }

        return i == s.Length;
    }

    /// <summary>The filter in <c>-Filter</c> form, e.g. <c>protocol=imap,local=10.0.0.0/8</c>; empty for global.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value != null)
            {
                sb.Append(sb.Length > 0 ? "," : string.Empty).Append(name).Append('=').Append(value);
            }
        }

        Add("local", Local?.ToString());
        Add("local_name", LocalName);
        Add("remote", Remote?.ToString());
        Add("protocol", Protocol);
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(ConfigFilter? other) =>
        other != null && Protocol == other.Protocol && Equals(Local, other.Local) && Equals(Remote, other.Remote) &&
        string.Equals(LocalName, other.LocalName, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ConfigFilter);

    /// <inheritdoc />
    public override int GetHashCode() => (Protocol?.GetHashCode() ?? 0) ^ (Local?.GetHashCode() ?? 0) ^ (Remote?.GetHashCode() ?? 0);
}
