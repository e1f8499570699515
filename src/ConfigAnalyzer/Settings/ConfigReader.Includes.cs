using System;
using System.Collections.Generic;
using System.IO;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <content>!include and !include_try: glob the pattern, refuse recursion, stack the matches to be read.</content>
public sealed partial class ConfigReader
{
    // Past this many open includes the path itself would exceed PATH_MAX in doveconf.
    private const int MaxPathLength = 4096;

    private void Include(Input input, string pattern, bool ignoreErrors)
    {
        string resolved = RelativeTo(input.Path, pattern);
        // glob(3) cannot stat a path over PATH_MAX, so such a pattern matches nothing.
        var matches = resolved.Length >= MaxPathLength ? (IReadOnlyList<string>)Array.Empty<string>() : IncludeGlob.Expand(resolved);
        if (matches.Count == 0)
        {
            if (!ignoreErrors)
            {
                error = "No matches";
            }

            return;
        }

        // doveconf stacks the matches last to first, so the first match is read first.
        for (int i = matches.Count - 1; i >= 0; i--)
        {
            string file = matches[i];
            foreach (var open in inputs)
            {
                if (open.Path == file)
                {
                    error = "Recursive include file: " + file;
                    return;
                }
            }

            Input included;
            try
            {
                // doveconf opens every match now and reads each when its turn comes; so do we, so that only the
                // file being read is in memory, not every file a glob matched. A directory opens fine and is empty.
                included = Directory.Exists(file) ? new Input(file, Array.Empty<byte>()) : new Input(file, File.OpenRead(file));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                if (ignoreErrors)
                {
                    continue;
                }

                error = "Couldn't open include file " + file + ": " + Errno.Describe(e);
                return;
            }

            inputs.Push(included);
        }
    }

    private static string RelativeTo(string includer, string path)
    {
        if (path.StartsWith("/", StringComparison.Ordinal))
        {
            return path;
        }

        int slash = includer.LastIndexOf('/');
        return slash < 0 ? path : includer.Substring(0, slash + 1) + path;
    }
}
