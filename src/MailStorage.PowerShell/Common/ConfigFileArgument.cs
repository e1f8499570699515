using System;
using System.IO;
using System.Management.Automation;

namespace MailStorage.PowerShell.Common;

/// <summary>Resolves a cmdlet's dovecot.conf argument, refusing a directory or a missing file with stable error ids.</summary>
internal static class ConfigFileArgument
{
    /// <summary>
    /// The file system path of <paramref name="path"/>; a terminating error <c>&lt;prefix&gt;PathIsDirectory</c> or
    /// <c>&lt;prefix&gt;FileNotFound</c> otherwise.
    /// </summary>
    public static string Resolve(PSCmdlet cmdlet, string path, string errorIdPrefix)
    {
        string resolved = ProviderPath.ResolveOrThrow(cmdlet, path, errorIdPrefix);
        if (Directory.Exists(resolved))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("'" + resolved + "' is a directory; give the main configuration file, e.g. " + Path.Combine(resolved, "dovecot.conf") + "."),
                errorIdPrefix + "PathIsDirectory",
                ErrorCategory.InvalidArgument,
                path));
        }

        if (!File.Exists(resolved))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ItemNotFoundException("Cannot find the Dovecot configuration file '" + resolved + "'."),
                errorIdPrefix + "FileNotFound",
                ErrorCategory.ObjectNotFound,
                path));
        }

        return resolved;
    }
}
