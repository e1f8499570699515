namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>The value types of Dovecot settings (Dovecot's enum setting_type).</summary>
public enum SettingType
{
    /// <summary>yes/no (also y, 1; case-insensitive).</summary>
    Bool,
    /// <summary>Unsigned decimal number.</summary>
    UInt,
    /// <summary>Number written in octal when it starts with 0 (file modes).</summary>
    Octal,
    /// <summary>Time interval in seconds, with units.</summary>
    Time,
    /// <summary>Time interval in milliseconds, with units.</summary>
    TimeMsecs,
    /// <summary>Size in bytes, with units.</summary>
    Size,
    /// <summary>TCP port, 0 to 65535.</summary>
    Port,
    /// <summary>Plain string.</summary>
    String,
    /// <summary>String with %-variables expanded per user at run time.</summary>
    StringVars,
    /// <summary>One of a fixed list of words.</summary>
    Enum,
    /// <summary>Another name for a setting.</summary>
    Alias,
}
