using System;

namespace MailStorage.PowerShell;

/// <summary>Converts an engine enum value to the module's mirror of that enum (see MailIndexDamageEnums.cs).</summary>
internal static class EngineEnum
{
    /// <summary>
    /// <paramref name="value"/> as <typeparamref name="TMirror"/>, by value and checked by name. A member the engine
    /// gained and the mirror lacks is a build mistake: it fails here, loudly, rather than turning into another member.
    /// </summary>
    public static TMirror Mirror<TMirror>(Enum value)
        where TMirror : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(value);
        var mirrored = (TMirror)Enum.ToObject(typeof(TMirror), Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        if (!Enum.IsDefined(mirrored) || !string.Equals(mirrored.ToString(), value.ToString(), StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                value.GetType().FullName + "." + value + " has no member of that name and value in " + typeof(TMirror).FullName + ": the module's mirror of the engine's enum is out of date.");
        }

        return mirrored;
    }
}
