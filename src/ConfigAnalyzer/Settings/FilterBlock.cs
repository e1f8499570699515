using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>All settings assigned under one filter (the global scope, or e.g. <c>protocol imap</c>).</summary>
public sealed class FilterBlock
{
    internal FilterBlock(ConfigFilter filter, SettingsNode root, SourceLocation? location)
    {
        Filter = filter;
        Root = root;
        Location = location;
    }

    /// <summary>Where these settings apply.</summary>
    public ConfigFilter Filter { get; }

    /// <summary>The settings and sections assigned under the filter.</summary>
    public SettingsNode Root { get; }

    /// <summary>Where the filter was first opened (null for the global scope).</summary>
    public SourceLocation? Location { get; }
}
