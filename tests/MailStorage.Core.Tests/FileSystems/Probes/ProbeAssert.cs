using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.FileSystems.Probes;
using Xunit;

namespace MailStorage.Core.Tests.FileSystems.Probes;

/// <summary>Lookups and checks shared by the probe tests.</summary>
internal static class ProbeAssert
{
    /// <summary>The result of one probe; fails listing all results when it is missing.</summary>
    public static ProbeResult Get(IReadOnlyList<ProbeResult> results, string name)
    {
        var result = results.FirstOrDefault(r => r.Name == name);
        Assert.True(result != null, "no result named '" + name + "' in:\n" + Describe(results));
        return result!;
    }

    /// <summary>Asserts one probe's outcome, showing every result on failure.</summary>
    public static ProbeResult Outcome(IReadOnlyList<ProbeResult> results, string name, ProbeOutcome expected)
    {
        var result = Get(results, name);
        Assert.True(result.Result == expected, name + ": expected " + expected + ", got " + result + "\nall results:\n" + Describe(results));
        return result;
    }

    /// <summary>A figure of a result; fails when it was not measured.</summary>
    public static double Figure(ProbeResult result, string key)
    {
        Assert.True(result.Measurements.TryGetValue(key, out double value), result.Name + " has no '" + key + "': " + string.Join(", ", result.Measurements.Keys) + " / " + result.Detail);
        return value;
    }

    /// <summary>No probe folder is left in <paramref name="folder"/>.</summary>
    public static void NoProbeFolderLeft(string folder)
    {
        var left = Directory.GetDirectories(folder, CapabilityProber.FolderPrefix + "*");
        Assert.True(left.Length == 0, "left behind: " + string.Join(", ", left));
    }

    /// <summary>Every result on its own line, with its figures.</summary>
    public static string Describe(IEnumerable<ProbeResult> results) =>
        string.Join("\n", results.Select(r => r + (r.Measurements.Count > 0 ? " [" + string.Join(", ", r.Measurements.Select(m => m.Key + "=" + m.Value)) + "]" : string.Empty)));
}
