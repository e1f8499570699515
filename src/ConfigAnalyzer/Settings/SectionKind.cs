namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>How a section type behaves (Dovecot's SET_DEFLIST_UNIQUE, SET_DEFLIST, SET_STRLIST).</summary>
public enum SectionKind
{
    /// <summary>Named; repeating a name merges into the same section.</summary>
    Unique,
    /// <summary>A list; each block is a new element.</summary>
    List,
    /// <summary>Arbitrary keys and string values, like <c>plugin { }</c>.</summary>
    StrList,
    /// <summary>Not a real section type: a plain setting opened as a section, which doveconf tolerates.</summary>
    Setting,
}
