using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// fcntl (OFD and classic) and flock: is a write lock granted at all, and does a lock held through Path block a try
/// through PeerPath (another client), and how soon does the waiter get it after release.
/// </summary>
internal static class LockProbes
{
    private const string Setting = "lock_method";

    /// <summary>The two results of one lock kind: granted here, and across mounts.</summary>
    public static IEnumerable<ProbeResult> Run(ProbeContext context, Libc.LockKind kind)
    {
        (string local, string across, string call) = kind switch
        {
            Libc.LockKind.Ofd => (ProbeNames.FcntlOfdLock, ProbeNames.FcntlOfdLockAcrossMounts, "fcntl(F_OFD_SETLK)"),
            Libc.LockKind.Classic => (ProbeNames.FcntlLock, ProbeNames.FcntlLockAcrossMounts, "fcntl(F_SETLK)"),
            _ => (ProbeNames.Flock, ProbeNames.FlockAcrossMounts, "flock(LOCK_EX|LOCK_NB)"),
        };

        string path = context.Local("lock-" + kind.ToString().ToLowerInvariant());
        using var holder = ProbeFile.Open(path, Libc.O_RDWR | Libc.O_CREAT);
        var watch = Stopwatch.StartNew();
        bool granted;
        try
        {
            granted = Libc.TryLock(holder.Fd, kind, Libc.F_WRLCK, path);
        }
        catch (IOException ex)
        {
            return new[]
            {
                new ProbeResult(local, ProbeOutcome.Unsupported, Setting, call + " on a file nobody holds failed: " + ex.Message),
                new ProbeResult(across, ProbeOutcome.Skipped, Setting, "Not tested: " + call + " is not granted at all."),
            };
        }

        double grantMs = watch.Elapsed.TotalMilliseconds;
        if (!granted)
        {
            return new[]
            {
                new ProbeResult(local, ProbeOutcome.Unsupported, Setting, call + " on a file nobody holds was refused as if another holder had it."),
                new ProbeResult(across, ProbeOutcome.Skipped, Setting, "Not tested: " + call + " is not granted at all."),
            };
        }

        var localFigures = ProbeContext.Figures();
        localFigures["lock granted after ms"] = Math.Round(grantMs, 2);
        var results = new List<ProbeResult>
        {
            new(local, ProbeOutcome.Supported, Setting, call + " write lock over the whole file granted in " + ProbeContext.Ms(grantMs) + ".", localFigures),
        };

        if (!context.HasPeer)
        {
            results.Add(new ProbeResult(across, ProbeOutcome.Skipped, Setting,
                "Not tested: no PeerPath. Give a second mount of the same storage (another client) to learn whether a lock taken on one blocks the other."));
            return results;
        }

        results.Add(Across(context, kind, holder, across, call));
        return results;
    }

    private static ProbeResult Across(ProbeContext context, Libc.LockKind kind, ProbeFile holder, string name, string call)
    {
        // Within one process a second classic lock would just be merged with ours: the waiter takes an OFD lock, which
        // conflicts with a classic lock of the same file even from the same process (as another host's would).
        Libc.LockKind waiterKind = kind == Libc.LockKind.Classic ? Libc.LockKind.Ofd : kind;
        string peerPath = context.Peer(Path.GetFileName(holder.Path));
        using var waiter = ProbeFile.Open(peerPath, Libc.O_RDWR);
        string how = kind == Libc.LockKind.Classic ? call + " held through Path, fcntl(F_OFD_SETLK) tried through PeerPath" : call + " held through Path and tried through PeerPath";

        var watch = Stopwatch.StartNew();
        if (Libc.TryLock(waiter.Fd, waiterKind, Libc.F_WRLCK, peerPath))
        {
            _ = Libc.TryLock(waiter.Fd, waiterKind, Libc.F_UNLCK, peerPath);
            return new ProbeResult(name, ProbeOutcome.Unsupported, Setting,
                how + ": both were granted. Locks are local to each mount here; another host would not be stopped by them.");
        }

        var figures = ProbeContext.Figures();
        figures["try refused after ms"] = Math.Round(watch.Elapsed.TotalMilliseconds, 2);
        string holderText = string.Empty;
        if (kind != Libc.LockKind.Flock)
        {
            var query = Libc.flock_t.WholeFile(Libc.F_WRLCK);
            if (Libc.fcntl(waiter.Fd, Libc.F_OFD_GETLK, ref query) == 0 && query.l_type != Libc.F_UNLCK)
            {
                holderText = query.l_pid > 0 ? " (F_OFD_GETLK names pid " + query.l_pid + " as the holder)" : " (F_OFD_GETLK sees an open-file lock as the holder)";
            }
        }

        _ = Libc.TryLock(holder.Fd, kind, Libc.F_UNLCK, holder.Path);
        var released = Stopwatch.StartNew();
        bool got = context.PollUntil(() => Libc.TryLock(waiter.Fd, waiterKind, Libc.F_WRLCK, peerPath));
        double waitMs = released.Elapsed.TotalMilliseconds;
        if (!got)
        {
            return new ProbeResult(name, ProbeOutcome.Degraded, Setting,
                how + ": the try through PeerPath was refused while held" + holderText + ", but it was still refused " + ProbeContext.Ms(waitMs) + " after the release.",
                figures);
        }

        _ = Libc.TryLock(waiter.Fd, waiterKind, Libc.F_UNLCK, peerPath);
        figures["lock wait after release ms"] = Math.Round(waitMs, 2);
        return new ProbeResult(name, ProbeOutcome.Supported, Setting,
            how + ": the try through PeerPath was refused while held" + holderText + " and granted " + ProbeContext.Ms(waitMs) + " after the release.",
            figures);
    }
}
