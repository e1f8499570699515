namespace MailStorage.ConfigAnalyzer.Syntax;

/// <summary>What one logical line of dovecot.conf is (doveconf's config_line_type).</summary>
public enum ConfigLineKind
{
    /// <summary>Empty or comment only.</summary>
    Skip,
    /// <summary>Ends with a backslash: joined with the next line.</summary>
    Continue,
    /// <summary><c>key = value</c> (quotes already removed).</summary>
    KeyValue,
    /// <summary><c>key = &lt;file</c>: the value is read from a file at run time.</summary>
    KeyFile,
    /// <summary><c>key = ... $var ...</c>: the value holds variables to expand.</summary>
    KeyVariable,
    /// <summary><c>type [name] {</c>.</summary>
    SectionBegin,
    /// <summary><c>}</c>.</summary>
    SectionEnd,
    /// <summary><c>!include glob</c>.</summary>
    Include,
    /// <summary><c>!include_try glob</c>.</summary>
    IncludeTry,
    /// <summary>A syntax error; the value is doveconf's message.</summary>
    Error,
}
