using System;
using System.Management.Automation;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// Turns a cmdlet's path argument into a file system path. A path no file can have (a NUL character; PowerShell's
/// provider would throw a raw ArgumentException that ends the whole pipeline) becomes a non-terminating
/// <c>&lt;prefix&gt;InvalidPath</c> error naming the path, so the next piped path is still processed.
/// </summary>
internal static class ProviderPath
{
    /// <summary>The file system path of <paramref name="path"/>, or null with the error written.</summary>
    public static string? Resolve(PSCmdlet cmdlet, string path, string errorIdPrefix)
    {
        ErrorRecord? error = Check(cmdlet, path, errorIdPrefix, out string resolved);
        if (error != null)
        {
            cmdlet.WriteError(error);
            return null;
        }

        return resolved;
    }

    /// <summary>As <see cref="Resolve"/> for a single-valued parameter, where the error is terminating.</summary>
    public static string ResolveOrThrow(PSCmdlet cmdlet, string path, string errorIdPrefix)
    {
        ErrorRecord? error = Check(cmdlet, path, errorIdPrefix, out string resolved);
        if (error != null)
        {
            cmdlet.ThrowTerminatingError(error);
        }

        return resolved;
    }

    /// <summary><paramref name="path"/> as it can be shown: a NUL written as PowerShell's <c>`0</c>.</summary>
    public static string Show(string path) => path.Replace("\0", "`0", StringComparison.Ordinal);

    private static ErrorRecord? Check(PSCmdlet cmdlet, string path, string errorIdPrefix, out string resolved)
    {
        resolved = string.Empty;
        string? problem = path.Contains('\0', StringComparison.Ordinal) ? "it holds a NUL character, which no file name can have" : null;
        if (problem == null)
        {
            try
            {
                resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                return null;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or ProviderNotFoundException or DriveNotFoundException or ProviderInvocationException)
            {
                problem = ex.Message;
            }
        }

        return new ErrorRecord(
            new ArgumentException("The path '" + Show(path) + "' is not valid: " + problem + "."),
            errorIdPrefix + "InvalidPath",
            ErrorCategory.InvalidArgument,
            path);
    }
}
