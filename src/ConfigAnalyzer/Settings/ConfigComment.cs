namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>A comment line of a configuration file, with where it stands.</summary>
public sealed class ConfigComment
{
    internal ConfigComment(string file, int line, string text)
    {
        File = file;
        Line = line;
        Text = text;
    }

    /// <summary>The file, spelled as read.</summary>
    public string File { get; }

    /// <summary>1-based line.</summary>
    public int Line { get; }

    /// <summary>The whole line.</summary>
    public string Text { get; }
}
