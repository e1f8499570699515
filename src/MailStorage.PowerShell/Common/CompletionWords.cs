using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.PowerShell.Common;

/// <summary>What the argument completers share: the word typed, the configuration another parameter names, the results.</summary>
internal static class CompletionWords
{
    private static readonly char[] Special = { ' ', '\'', '"', '$', '`', ',', ';', '(', ')', '{', '}', '|', '&', '<', '>' };

    /// <summary>The word without the quote the user may have started it with.</summary>
    public static string Unquote(string? word) => (word ?? string.Empty).Trim('\'', '"');

    /// <summary>
    /// The configuration named by <paramref name="parameter"/> among the parameters typed so far, resolved against the
    /// session's current location, or null when there is none or it does not read (a tab press never fails).
    /// </summary>
    public static DovecotConfig? ReadConfig(IDictionary fakeBoundParameters, string parameter)
    {
        if (fakeBoundParameters == null || !fakeBoundParameters.Contains(parameter) || fakeBoundParameters[parameter] is not { } given)
        {
            return null;
        }

        string path = (given is PSObject wrapped ? wrapped.BaseObject : given).ToString() ?? string.Empty;
        try
        {
            string full = Path.IsPathRooted(path) ? path : Path.GetFullPath(path, CurrentLocation());
            // A tab press must not block on a FIFO or read a device: regular files only.
            if (!Core.FileSystems.RegularFile.Is(full))
            {
                return null;
            }

            DovecotConfig config = ConfigReader.Read(full);
            return config.FatalError == null ? config : null;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException || e is PSInvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The session's current folder. Completion runs inside the pipeline of TabExpansion2, where the runspace's
    /// SessionStateProxy refuses to answer; a nested Get-Location in the same runspace does.
    /// </summary>
    private static string CurrentLocation()
    {
        try
        {
            using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            var location = shell.AddCommand("Microsoft.PowerShell.Management\\Get-Location").Invoke<PathInfo>();
            if (location.Count == 1 && location[0].Provider.Name == "FileSystem")
            {
                return location[0].ProviderPath;
            }
        }
        catch (Exception e) when (e is PSInvalidOperationException || e is InvalidRunspaceStateException || e is RuntimeException)
        {
            // No usable runspace here: fall back to the process's folder.
        }

        return Environment.CurrentDirectory;
    }

    /// <summary>The candidates starting with <paramref name="word"/> (case-insensitive), as completion results.</summary>
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> candidates, string word) =>
        candidates
            .Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(c => new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, c));

    // A candidate with characters PowerShell reads specially is inserted quoted; '@' and '#' only at the start
    // (splatting, a comment), so alice@example.com stays as typed.
    private static string Quote(string value) =>
        value.IndexOfAny(Special) >= 0 || value.StartsWith('@') || value.StartsWith('#')
            ? "'" + value.Replace("'", "''") + "'"
            : value;
}
