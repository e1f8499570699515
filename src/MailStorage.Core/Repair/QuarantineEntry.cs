using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace MailStorage.Core.Repair;

/// <summary>
/// One line of a quarantine's <c>manifest.jsonl</c>: which original was copied, when, why, its SHA-256, size, owner,
/// mode and times, and the action that was about to change it. An administrator restores a file by copying
/// <see cref="Copy"/> back to <see cref="Original"/> (under the mailbox lock) and checking the hash.
/// </summary>
public sealed record QuarantineEntry(
    DateTimeOffset Time,
    string Original,
    string Copy,
    string Action,
    string Reason,
    long Size,
    string Sha256,
    uint Uid,
    uint Gid,
    string Mode,
    long ModifyTimeNanoseconds,
    long AccessTimeNanoseconds)
{
    /// <summary>The manifest's file name inside a quarantine folder.</summary>
    public const string ManifestName = "manifest.jsonl";

    /// <summary>The entries of the manifest in <paramref name="quarantineFolder"/>, in the order written.</summary>
    public static IReadOnlyList<QuarantineEntry> ReadManifest(string quarantineFolder)
    {
        var entries = new List<QuarantineEntry>();
        string path = Path.Combine(quarantineFolder, ManifestName);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                JsonElement e = doc.RootElement;
                entries.Add(new QuarantineEntry(
                    DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                    e.GetProperty("original").GetString()!,
                    e.GetProperty("copy").GetString()!,
                    e.GetProperty("action").GetString()!,
                    e.GetProperty("reason").GetString()!,
                    e.GetProperty("size").GetInt64(),
                    e.GetProperty("sha256").GetString()!,
                    e.GetProperty("uid").GetUInt32(),
                    e.GetProperty("gid").GetUInt32(),
                    e.GetProperty("mode").GetString()!,
                    e.GetProperty("mtime_ns").GetInt64(),
                    e.GetProperty("atime_ns").GetInt64()));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException(path + " line " + lineNumber.ToString(CultureInfo.InvariantCulture) + ": not a quarantine manifest entry: " + ex.Message, ex);
            }
        }

        return entries;
    }

    /// <summary>The entry as one JSON line (no newline).</summary>
    internal string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("original", Original);
            w.WriteString("copy", Copy);
            w.WriteString("action", Action);
            w.WriteString("reason", Reason);
            w.WriteNumber("size", Size);
            w.WriteString("sha256", Sha256);
            w.WriteNumber("uid", Uid);
            w.WriteNumber("gid", Gid);
            w.WriteString("mode", Mode);
            w.WriteNumber("mtime_ns", ModifyTimeNanoseconds);
            w.WriteNumber("atime_ns", AccessTimeNanoseconds);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
