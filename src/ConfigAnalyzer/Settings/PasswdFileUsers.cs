using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// The user names of a configuration's passwd-file userdbs and passdbs (<c>driver = passwd-file</c>), for completion:
/// the file is the last word of <c>args</c> without a <c>=</c> (Dovecot's passwd-file args end with the path). Files
/// named with variables (one file per domain) and files that cannot be read are left out; this never throws.
/// </summary>
public static class PasswdFileUsers
{
    // Completion reads at most this much of each file: a huge user list is not read for a tab press.
    private const int MaxBytes = 4 * 1024 * 1024;

    private static readonly char[] Blanks = { ' ', '\t' };

    /// <summary>The names, sorted ordinally, without duplicates.</summary>
    public static IReadOnlyList<string> Names(DovecotConfig config)
    {
        if (config == null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in Files(config))
        {
            foreach (string name in Read(file))
            {
                names.Add(name);
            }
        }

        return names.ToList();
    }

    /// <summary>The passwd-files the global userdbs and passdbs name, resolved against the configuration's folder.</summary>
    public static IEnumerable<string> Files(DovecotConfig config)
    {
        if (config == null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(config.Path)) ?? "/";
        foreach (SettingsNode db in config.Global.Root.Children.Where(c => c.Type == "userdb" || c.Type == "passdb"))
        {
            if (db.Get("driver")?.Value != "passwd-file")
            {
                continue;
            }

            string? file = (db.Get("args")?.Value ?? string.Empty)
                .Split(Blanks, StringSplitOptions.RemoveEmptyEntries)
                .LastOrDefault(word => word.IndexOf('=') < 0);
            if (file != null && file.IndexOf('%') < 0)
            {
                yield return Path.Combine(folder, file);
            }
        }
    }

    private static IEnumerable<string> Read(string file)
    {
        string text;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            // Only what a regular file says it holds (a device says 0), and at most MaxBytes of it.
            var buffer = new byte[(int)Math.Min(stream.CanSeek ? stream.Length : 0, MaxBytes)];
            int length = 0;
            for (int n; length < buffer.Length && (n = stream.Read(buffer, length, buffer.Length - length)) > 0;)
            {
                length += n;
            }

            text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is ArgumentException)
        {
            yield break;
        }

        foreach (string line in text.Split('\n'))
        {
            // user:password:uid:gid:(gecos):home:(shell):extra_fields; '#' starts a comment line.
            int colon = line.IndexOf(':');
            if (colon > 0 && line[0] != '#')
            {
                yield return line.Substring(0, colon).Trim();
            }
        }
    }
}
