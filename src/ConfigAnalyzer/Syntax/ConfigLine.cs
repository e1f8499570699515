namespace MailStorage.ConfigAnalyzer.Syntax;

/// <summary>One logical line of dovecot.conf, classified the way doveconf classifies it.</summary>
public readonly struct ConfigLine
{
    internal ConfigLine(ConfigLineKind kind, string key, string value, int keyColumn, int valueColumn, bool ambiguousHash)
    {
        Kind = kind;
        Key = key;
        Value = value;
        KeyColumn = keyColumn;
        ValueColumn = valueColumn;
        AmbiguousHash = ambiguousHash;
    }

    /// <summary>The kind of line.</summary>
    public ConfigLineKind Kind { get; }

    /// <summary>The setting name, section type, <c>}</c> or <c>!include</c>; empty for skipped lines.</summary>
    public string Key { get; }

    /// <summary>The value (unquoted), the section name, the include pattern or the error message.</summary>
    public string Value { get; }

    /// <summary>1-based column of the key in the first physical line.</summary>
    public int KeyColumn { get; }

    /// <summary>1-based column where the value starts in the joined logical line.</summary>
    public int ValueColumn { get; }

    /// <summary>A <c>#</c> not preceded by white space was taken as a comment (doveconf warns).</summary>
    public bool AmbiguousHash { get; }
}
