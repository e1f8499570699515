using System;
using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// A <c>mail_location</c> (or namespace <c>location</c>) split the way Dovecot splits it:
/// <c>driver:root[:KEY=VALUE]...</c>, where <c>::</c> stands for a literal colon.
/// </summary>
public sealed class MailLocation
{
    private static readonly string[] KnownKeys =
    {
        "INBOX", "INDEX", "INDEXPVT", "INDEXCACHE", "CONTROL", "ALT", "ALTNOCHECK", "LAYOUT", "SUBSCRIPTIONS", "DIRNAME",
        "MAILBOXDIR", "VOLATILEDIR", "LISTINDEX", "FULLDIRNAME", "BROKENCHAR", "ITERINDEX", "NO-NOSELECT", "NO-FS-VALIDATION", "UTF-8",
    };

    private static readonly string[] Drivers = { "maildir", "mbox", "sdbox", "dbox", "mdbox", "imapc", "pop3c", "obox", "cydir", "raw", "shared", "fail", "virtual" };

    private MailLocation(string raw)
    {
        Raw = raw;
    }

    /// <summary>The value as configured.</summary>
    public string Raw { get; }

    /// <summary>The storage driver (maildir, mbox, sdbox, mdbox, ...); null when Dovecot autodetects.</summary>
    public string? Driver { get; private set; }

    /// <summary>The mail root directory, unexpanded (may hold %-variables and ~).</summary>
    public string Root { get; private set; } = string.Empty;

    /// <summary>Parameters by key (INDEX, CONTROL, VOLATILEDIR, LISTINDEX, ...), values unexpanded.</summary>
    public IReadOnlyDictionary<string, string> Parameters => parameters;

    /// <summary>Keys Dovecot does not know (it fails with "Unknown setting" at login).</summary>
    public IReadOnlyList<string> UnknownKeys => unknownKeys;

    /// <summary>Whether the location is empty (Dovecot autodetects the mail location).</summary>
    public bool IsEmpty => Raw.Length == 0;

    /// <summary>The index directory: INDEX= or else the mail root. "MEMORY" when indexes are kept in memory.</summary>
    public string IndexPath => Parameter("INDEX") ?? Root;

    /// <summary>Indexes are kept in memory only (INDEX=MEMORY).</summary>
    public bool IndexInMemory => Parameter("INDEX") == "MEMORY";

    /// <summary>The control directory: CONTROL= or else the mail root.</summary>
    public string ControlPath => Parameter("CONTROL") ?? Root;

    /// <summary>VOLATILEDIR=, where lock files and other short-lived files go; null when unset.</summary>
    public string? VolatilePath => Parameter("VOLATILEDIR");

    /// <summary>The directory of the mailbox list index when LISTINDEX= names one; null when it sits in the index directory.</summary>
    public string? ListIndexDirectory
    {
        get
        {
            string? value = Parameter("LISTINDEX");
            int slash = value?.LastIndexOf('/') ?? -1;
            return slash < 0 ? null : value!.Substring(0, slash);
        }
    }

    /// <summary>dbox formats, whose indexes hold data found nowhere else.</summary>
    public bool IsDbox => Driver == "sdbox" || Driver == "mdbox" || Driver == "dbox";

    private readonly Dictionary<string, string> parameters = new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly List<string> unknownKeys = new List<string>();

    /// <summary>A parameter's value, or null when absent.</summary>
    public string? Parameter(string key) => parameters.TryGetValue(key, out var v) ? v : null;

    /// <summary>Splits a location value.</summary>
    public static MailLocation Parse(string value)
    {
        var location = new MailLocation(value ?? string.Empty);
        if (location.IsEmpty)
        {
            return location;
        }

        var args = SplitArgs(location.Raw);
        int first = 0;
        int colon = location.Raw.IndexOf(':');
        if (colon > 0 && Array.IndexOf(Drivers, location.Raw.Substring(0, colon)) >= 0 && location.Raw.Substring(colon, Math.Min(2, location.Raw.Length - colon)) != "::")
        {
            location.Driver = location.Raw.Substring(0, colon);
            args = SplitArgs(location.Raw.Substring(colon + 1));
        }
        else if (colon > 0 && location.Raw.IndexOf('/') > colon)
        {
            // An unknown driver: keep it, Dovecot refuses it at login.
            location.Driver = location.Raw.Substring(0, colon);
            args = SplitArgs(location.Raw.Substring(colon + 1));
        }

        if (args.Count > 0)
        {
            location.Root = args[first];
        }

        for (int i = first + 1; i < args.Count; i++)
        {
            string arg = args[i];
            int eq = arg.IndexOf('=');
            string key = eq < 0 ? arg : arg.Substring(0, eq);
            string val = eq < 0 ? string.Empty : arg.Substring(eq + 1);
            if (Array.IndexOf(KnownKeys, key) < 0)
            {
                location.unknownKeys.Add(key);
                continue;
            }

            location.parameters[key] = val;
        }

        return location;
    }

    // Dovecot splits at ':' and joins back pieces separated by an empty one ("::" is a literal colon).
    private static List<string> SplitArgs(string data)
    {
        var pieces = data.Split(':');
        var args = new List<string>();
        for (int i = 0; i < pieces.Length; i++)
        {
            string current = pieces[i];
            while (i + 1 < pieces.Length && pieces[i + 1].Length == 0)
            {
                i++;
                if (i + 1 >= pieces.Length)
                {
                    break;
                }

                current += ":" + pieces[++i];
            }

            args.Add(current);
        }

        return args;
    }

    /// <inheritdoc />
    public override string ToString() => Raw;
}
