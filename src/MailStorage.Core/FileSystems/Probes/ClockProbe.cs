using System;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// The mtime a file gets from the storage against this host's clock. Dovecot compares them to find stale dotlocks
/// ("Created dotlock file's timestamp is different than current time") and in Maildir's new/ and cur/ scans.
/// </summary>
internal static class ClockProbe
{
    private const string Setting = "lock_method";

    // Filesystems stamp with a coarse clock (a jiffy behind): differences this small are not skew.
    private const double ToleranceMs = 50;

    public static ProbeResult Run(ProbeContext context)
    {
        string path = context.Local("clock");
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        double mtime;
        using (var file = ProbeFile.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_TRUNC))
        {
            file.Write("t"u8, 0);
            file.Sync();
            mtime = file.Stat().st_mtim.UnixMilliseconds;
        }

        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        double skew = mtime < before - ToleranceMs ? mtime - before : mtime > after + ToleranceMs ? mtime - after : 0;
        var figures = ProbeContext.Figures();
        figures["mtime minus local clock ms"] = Math.Round(skew, 1);
        if (Math.Abs(skew) > 1000)
        {
            return new ProbeResult(ProbeNames.ClockSkew, ProbeOutcome.Degraded, Setting,
                "A file written now got an mtime " + ProbeContext.Ms(Math.Abs(skew)) + (skew > 0 ? " ahead of" : " behind") +
                " this host's clock: the storage's clock (or this host's) is off. Dotlocks look stale or fresh wrongly; run NTP on every host and the server.", figures);
        }

        return new ProbeResult(ProbeNames.ClockSkew, ProbeOutcome.Supported, Setting,
            "A file written now got an mtime within " + ProbeContext.Ms(Math.Max(ToleranceMs, Math.Abs(skew))) + " of this host's clock.", figures);
    }
}
