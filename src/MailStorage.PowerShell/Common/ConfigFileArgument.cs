using System;
using System.IO;
using System.Management.Automation;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// Resolves a cmdlet's dovecot.conf argument, refusing a directory or a missing file with stable error ids, and reads
/// it, refusing a configuration Dovecot would not start with.
/// </summary>
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

    /// <summary>
    /// Resolves <paramref name="path"/> as <see cref="Resolve"/> does and reads it as doveconf does; a configuration
    /// doveconf refuses (<see cref="DovecotConfig.FatalError"/>) is the terminating error <paramref name="parseFailedId"/>,
    /// with doveconf's words.
    /// </summary>
    /// <param name="cmdlet">The cmdlet that reports the errors.</param>
    /// <param name="path">The argument as given.</param>
    /// <param name="errorIdPrefix">The prefix of the resolution errors' ids.</param>
    /// <param name="parseFailedId">The id of the error for a configuration doveconf refuses.</param>
    /// <param name="resolved">The file system path read.</param>
    /// <param name="beforeCheck">Called with what was read before it is judged, so what the cmdlet logs about it
    /// (the files read, doveconf's warnings) is logged for a refused configuration too.</param>
    /// <param name="category">The error's category; by default ParserError when doveconf names a place in a file, InvalidData otherwise.</param>
    /// <param name="target">The error's target object; by default the resolved path.</param>
    public static DovecotConfig Read(
        PSCmdlet cmdlet,
        string path,
        string errorIdPrefix,
        string parseFailedId,
        out string resolved,
        Action<DovecotConfig>? beforeCheck = null,
        ErrorCategory? category = null,
        object? target = null)
    {
        resolved = Resolve(cmdlet, path, errorIdPrefix);
        var config = ConfigReader.Read(resolved);
        beforeCheck?.Invoke(config);
        if (config.FatalError is { } fatal)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new InvalidDataException(fatal.DoveconfText),
                parseFailedId,
                category ?? (fatal.Location != null ? ErrorCategory.ParserError : ErrorCategory.InvalidData),
                target ?? resolved));
        }

        return config;
    }
}
