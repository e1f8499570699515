using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace MailStorage.Core.Reporting;

/// <summary>
/// An <see cref="IActivityLog"/> that keeps the lines until they are taken, for work that runs on another thread than
/// the one allowed to show them (a cmdlet may write only from its pipeline thread). Safe to write from any thread.
/// </summary>
public sealed class ActivityLog : IActivityLog
{
    private readonly List<string> lines = new();

    /// <inheritdoc />
    public void Write(string message)
    {
        lock (lines)
        {
            lines.Add(message);
        }
    }

    /// <summary>The lines written so far, oldest first; they are removed.</summary>
    public IReadOnlyList<string> Take()
    {
        lock (lines)
        {
            var taken = lines.ToArray();
            lines.Clear();
            return taken;
        }
    }

    /// <summary><c>path (N bytes)</c>, or the path alone when it cannot be looked at (that failure is someone else's to report).</summary>
    public static string Describe(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? path + " (" + Bytes(info.Length) + ")" : path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    /// <summary>A byte count as people read it: <c>812 bytes</c>, <c>1.2 KiB</c>, <c>3.4 MiB</c>.</summary>
    public static string Bytes(long size) => size switch
    {
        < 1024 => size.ToString(CultureInfo.InvariantCulture) + " bytes",
        < 1024 * 1024 => (size / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (size / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        _ => (size / (1024.0 * 1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB",
    };
}
