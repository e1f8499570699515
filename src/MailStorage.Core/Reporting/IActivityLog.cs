namespace MailStorage.Core.Reporting;

/// <summary>
/// What Core tells about its work as it goes: files read (with sizes where a stat gives them anyway), locks taken,
/// items skipped and why. A caller that shows it (a cmdlet's -Verbose) passes one in; Core never needs one, so every
/// parameter of this type is optional and null means nobody listens.
/// </summary>
public interface IActivityLog
{
    /// <summary>Records one line, worded for an administrator (<c>read /srv/mail/a/dovecot.index (1.2 KiB)</c>).</summary>
    void Write(string message);
}
