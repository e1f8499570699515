using System;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace MailStorage.PowerShell.Common;

/// <summary>Writes a text file so that a reader sees the old file or the new one, never half of one.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8, no BOM) to a temp file beside <paramref name="target"/> and renames it over
    /// the target; on failure removes the temp file and raises a terminating error <paramref name="errorId"/> naming
    /// <paramref name="what"/> and the path.
    /// </summary>
    public static void Write(PSCmdlet cmdlet, string target, string text, string what, string errorId, object? errorTarget)
    {
        string directory = Path.GetDirectoryName(target) ?? ".";
        string temp = Path.Combine(directory, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException || cleanup is UnauthorizedAccessException)
            {
                // The write failure is the error to report.
            }

            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new IOException("Cannot write the " + what + " '" + target + "': " + ex.Message, ex),
                errorId,
                ErrorCategory.WriteError,
                errorTarget));
        }
    }
}
