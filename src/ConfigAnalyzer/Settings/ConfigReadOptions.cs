using System.Collections.Generic;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>How to read a configuration.</summary>
public sealed class ConfigReadOptions
{
    /// <summary>
    /// Expand <c>$setting</c>, <c>$ENV:NAME</c> and <c>&lt;file</c> values as Dovecot does at run time.
    /// Off (doveconf -n's way), only self references such as <c>mail_plugins = $mail_plugins quota</c> expand.
    /// </summary>
    public bool ExpandValues { get; set; }

    /// <summary>The environment for <c>$ENV:NAME</c> when expanding; null means this process's environment.</summary>
    public IDictionary<string, string>? Environment { get; set; }

    /// <summary>The schema to check against; null means Dovecot 2.3.19's.</summary>
    public SettingsSchema? Schema { get; set; }
}
