using System.Collections.Generic;
using System.Linq;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// <c>mail_cache_max_size</c> (default 1 G) is not below the address-space limit of the imap processes
/// (<c>service imap { vsz_limit }</c>, else <c>default_vsz_limit</c>, default 256 M). A folder whose
/// dovecot.index.cache grows past the limit cannot be mapped or read into memory any more: "mmap(size=...)
/// failed ... Cannot allocate memory", or imap dies with "returned error 83 (Out of memory)", and the client
/// cannot open the folder. When both are left at Dovecot's defaults the finding is Info.
/// </summary>
public sealed class MSD015CacheSizeOverVszLimit : ConfigRule
{
    private static readonly string[] MailServices = { "imap", "pop3", "lmtp", "submission", "indexer-worker" };

    /// <summary>Creates the rule.</summary>
    public MSD015CacheSizeOverVszLimit()
        : base(RuleIdentifiers.CacheSizeOverVszLimit, "mail_cache_max_size not below the process size limit", RuleSeverity.Warning, needsProfile: false)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<RuleFinding> Analyze(LintScope scope)
    {
        // Globally, the imap processes; inside protocol X { mail_cache_max_size }, the X processes.
        string service;
        if (scope.IsGlobal)
        {
            service = "imap";
        }
        else if (scope.Protocol != null && scope.AssignsHere("mail_cache_max_size") && MailServices.Contains(scope.Protocol))
        {
            service = scope.Protocol;
        }
        else
        {
            yield break;
        }

        if (!SettingValueParser.TryParseSize(scope.Value("mail_cache_max_size"), out ulong cacheMax, out _))
        {
            yield break;
        }

        var serviceNode = scope.Sections("service").FirstOrDefault(s => s.Name == service)
            ?? scope.Config.Global.Root.Children.FirstOrDefault(c => c.Type == "service" && c.Name == service);
        var own = serviceNode?.Get("vsz_limit");
        ulong vsz;
        string limitName;
        SettingValue? limitAssigned;
        if (own != null && SettingValueParser.TryParseSize(own.Value, out vsz, out _) && vsz != ulong.MaxValue)
        {
            limitName = "service " + service + " { vsz_limit }";
            limitAssigned = own;
        }
        else if (SettingValueParser.TryParseSize(scope.Value("default_vsz_limit"), out vsz, out _))
        {
            limitName = "default_vsz_limit (service " + service + " has no vsz_limit of its own)";
            limitAssigned = scope.Assigned("default_vsz_limit");
        }
        else
        {
            yield break;
        }

        if (vsz == 0 || cacheMax < vsz)
        {
            yield break;
        }

        var cacheAssigned = scope.Assigned("mail_cache_max_size");
        SourceLocation at = !scope.IsGlobal ? scope.LocationOf("mail_cache_max_size")
            : limitAssigned?.Location ?? cacheAssigned?.Location ?? scope.Anchor;
        bool defaults = limitAssigned == null && cacheAssigned == null;
        string where = scope.IsGlobal ? string.Empty : " for protocol " + scope.Protocol;
        yield return new RuleFinding(at,
            "mail_cache_max_size" + where + " is " + SettingValueParser.FormatSize(cacheMax) + (cacheAssigned == null ? " (the default)" : string.Empty) +
            ", not below " + limitName + " = " + SettingValueParser.FormatSize(vsz) + (limitAssigned == null ? " (the default)" : string.Empty) +
            ": when a folder's dovecot.index.cache grows that large, " + service + " cannot map it (\"mmap(size=...) failed ... Cannot allocate memory\") " +
            "or dies with \"returned error 83 (Out of memory)\", and the user cannot open the folder. Raise vsz_limit of service " + service +
            " (or default_vsz_limit) somewhat above the cache limit, e.g. 1500M, or lower mail_cache_max_size below it.",
            defaults ? RuleSeverity.Info : (RuleSeverity?)null);
    }
}
