using System;
using System.Collections.Generic;
using System.Diagnostics;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// How stale PeerPath's view of a file changed through Path is, and which of the flushes Dovecot's mail_nfs_storage
/// and mail_nfs_index perform (fchown/chown to -1,-1 for attributes, an fcntl lock for data, open+close) makes it
/// fresh at once. Dovecot's nfstest.c asks the same questions of two NFS clients.
/// </summary>
internal static class CacheProbes
{
    /// <summary>A change counts as seen "at once" within this time (the poll loop's own cost included).</summary>
    internal const double FreshMs = 50;

    private const int FileSize = 100;

    /// <summary>Milliseconds until PeerPath sees a new size, mtime, content and an unlink.</summary>
    public static ProbeResult Staleness(ProbeContext context)
    {
        const string Name = ProbeNames.AttributeStaleness;
        const string Setting = "mail_nfs_storage";
        if (!context.HasPeer)
        {
            return new ProbeResult(Name, ProbeOutcome.Skipped, Setting, "Not tested: no PeerPath. Staleness is what another client sees; give a second mount of the same storage.");
        }

        string path = context.Local("stale-target");
        string peer = context.Peer("stale-target");
        using var writer = ProbeFile.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_TRUNC);
        byte[] fill = new byte[FileSize];
        Array.Fill(fill, (byte)'a');
        writer.Write(fill, 0);
        writer.Sync();

        // PeerPath reads the file and its attributes first, so its caches hold the old state.
        ProbeFile? reader = null;
        try
        {
            if (!context.PollUntil(() => ProbeFile.TryStat(peer, out var st, out _) && st.st_size == FileSize && (reader ??= ProbeFile.TryOpen(peer, Libc.O_RDONLY, out _)) != null, 2))
            {
                return new ProbeResult(Name, ProbeOutcome.Skipped, Setting, "Not tested: the file written through Path did not appear through PeerPath in time.");
            }

            Span<byte> one = stackalloc byte[1];
            _ = reader!.TryRead(one, 0, out _);

            // Through Path: grow the file, change its first byte, and give it an mtime nobody could have by chance.
            writer.Write("bbbbbbbbbb"u8, FileSize);
            writer.Write("c"u8, 0);
            SetMtime(writer, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600, 123_456_789);
            writer.Sync();
            var expected = writer.Stat();

            double? sizeMs = null, mtimeMs = null, contentMs = null, unlinkMs = null;
            var watch = Stopwatch.StartNew();
            var heldReader = reader;
            var changeDeadline = Deadline.After(context.Timeout / 2);
            context.PollUntil(() =>
            {
                double now = watch.Elapsed.TotalMilliseconds;
                if (ProbeFile.TryStat(peer, out var st, out _))
                {
                    if (sizeMs == null && st.st_size == expected.st_size)
                    {
                        sizeMs = now;
                    }

                    if (mtimeMs == null && st.st_mtim.tv_sec == expected.st_mtim.tv_sec && st.st_mtim.tv_nsec == expected.st_mtim.tv_nsec)
                    {
                        mtimeMs = now;
                    }
                }

                Span<byte> b = stackalloc byte[1];
                if (contentMs == null && heldReader.TryRead(b, 0, out _) == 1 && b[0] == (byte)'c')
                {
                    contentMs = now;
                }

                return sizeMs != null && mtimeMs != null && contentMs != null;
            }, changeDeadline, 2);

            // The unlink gets what is left of the probe's time.
            Libc.Check(Libc.unlink(path), "unlink", path);
            var unlinkWatch = Stopwatch.StartNew();
            if (context.PollUntil(() => !ProbeFile.TryStat(peer, out _, out int errno) && errno == Libc.ENOENT, 2))
            {
                unlinkMs = unlinkWatch.Elapsed.TotalMilliseconds;
            }

            var figures = ProbeContext.Figures();
            var parts = new List<string>();
            var missing = new List<string>();
            Add("size", sizeMs);
            Add("mtime", mtimeMs);
            Add("content", contentMs);
            Add("unlink", unlinkMs);
            double worst = Math.Max(Math.Max(sizeMs ?? 0, mtimeMs ?? 0), Math.Max(contentMs ?? 0, unlinkMs ?? 0));
            string seen = "Through PeerPath, a change made through Path was seen after: " + string.Join(", ", parts);
            if (missing.Count > 0)
            {
                return new ProbeResult(Name, ProbeOutcome.Unsupported, Setting,
                    seen + (parts.Count > 0 ? "; " : string.Empty) + "never seen within the time limit: " + string.Join(", ", missing) +
                    ". Another host would work from stale data; pin each user to one host.", figures);
            }

            return worst <= FreshMs
                ? new ProbeResult(Name, ProbeOutcome.Supported, Setting, seen + ". PeerPath sees changes at once.", figures)
                : new ProbeResult(Name, ProbeOutcome.Degraded, Setting,
                    seen + ". Another host sees attributes up to " + ProbeContext.Ms(Math.Round(worst)) + " late: set mail_nfs_storage (and mail_nfs_index with mmap_disable) or pin users to one host.", figures);

            void Add(string what, double? ms)
            {
                if (ms == null)
                {
                    missing.Add(what);
                    return;
                }

                figures[what + " visible after ms"] = Math.Round(ms.Value, 1);
                parts.Add(what + " " + ProbeContext.Ms(ms.Value));
            }
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>Which flush makes PeerPath's stat() see a size changed through Path at once.</summary>
    public static ProbeResult AttributeFlush(ProbeContext context)
    {
        const string Setting = "mail_nfs_storage";
        if (!context.HasPeer)
        {
            return new ProbeResult(ProbeNames.AttributeFlush, ProbeOutcome.Skipped, Setting, "Not tested: no PeerPath.");
        }

        var methods = new (string Name, Action<ProbeFile, string> Flush)[]
        {
            (NoFlush, (_, _) => { }),
            ("fchown(fd,-1,-1)", (held, peerPath) => _ = Libc.fchown(held.Fd, Libc.NoChange, Libc.NoChange)),
            ("chown(path,-1,-1)", (held, peerPath) => _ = Libc.chown(peerPath, Libc.NoChange, Libc.NoChange)),
            ("open+close", (held, peerPath) => ProbeFile.TryOpen(peerPath, Libc.O_RDONLY, out _)?.Dispose()),
            ("fcntl lock", (held, peerPath) => FcntlFlush(held)),
            (ListFolder, (held, peerPath) => ListParent(peerPath)),
        };

        // Each method gets a new file: PeerPath stats it (its cache now holds size 1), Path appends a byte, PeerPath
        // flushes and stats once more.
        return Trials(context, ProbeNames.AttributeFlush, Setting, "attributes", methods, "attr-flush",
            isFresh: (writer, held, peerPath) => ProbeFile.TryStat(peerPath, out var st, out _) && st.st_size == writer.Stat().st_size,
            change: writer =>
            {
                writer.Write("x"u8, writer.Stat().st_size);
                writer.Sync();
            },
            needed: "mail_nfs_storage=yes (Dovecot flushes attributes with chown(-1,-1))");
    }

    /// <summary>Which flush makes a descriptor held through PeerPath read content overwritten through Path at once.</summary>
    public static ProbeResult DataFlush(ProbeContext context)
    {
        const string Setting = "mail_nfs_index";
        if (!context.HasPeer)
        {
            return new ProbeResult(ProbeNames.DataFlush, ProbeOutcome.Skipped, Setting, "Not tested: no PeerPath.");
        }

        var methods = new (string Name, Action<ProbeFile, string> Flush)[]
        {
            (NoFlush, (_, _) => { }),
            ("fcntl lock", (held, peerPath) => FcntlFlush(held)),
            ("open+close", (held, peerPath) => ProbeFile.TryOpen(peerPath, Libc.O_RDONLY, out _)?.Dispose()),
            ("fchown(fd,-1,-1)", (held, peerPath) => _ = Libc.fchown(held.Fd, Libc.NoChange, Libc.NoChange)),
            (ListFolder, (held, peerPath) => ListParent(peerPath)),
        };

        // Each method gets a new file holding "a" that PeerPath has read; Path overwrites it with "b", keeping size and
        // mtime (as nfstest.c's data cache test: only the byte differs); PeerPath flushes and reads once more.
        return Trials(context, ProbeNames.DataFlush, Setting, "content", methods, "data-flush",
            isFresh: (writer, held, peerPath) =>
            {
                Span<byte> mine = stackalloc byte[1];
                Span<byte> theirs = stackalloc byte[1];
                return writer.TryRead(mine, 0, out _) == 1 && held.TryRead(theirs, 0, out _) == 1 && mine[0] == theirs[0];
            },
            change: writer =>
            {
                var before = writer.Stat().st_mtim;
                writer.Write("b"u8, 0);
                SetMtime(writer, before.tv_sec, before.tv_nsec);
                writer.Sync();
            },
            needed: "mail_nfs_index=yes (Dovecot flushes data with an fcntl lock) and mmap_disable=yes");
    }

    private const string NoFlush = "no flush";

    // BufferedFlush's second step (AttributeFlush): on FUSE a listing brings every entry's attributes, and
    // GlusterFS's quick-read drops small files whose mtime changed.
    private const string ListFolder = "list folder";

    private static void ListParent(string path) =>
        FileSystems.AttributeFlush.Directory(System.IO.Path.GetDirectoryName(path) ?? "/", [System.IO.Path.GetFileName(path)]);

    private static ProbeResult Trials(ProbeContext context, string name, string setting, string what, (string Name, Action<ProbeFile, string> Flush)[] methods,
        string fileName, Func<ProbeFile, ProbeFile, string, bool> isFresh, Action<ProbeFile> change, string needed)
    {
        var fresh = new List<string>();
        var stale = new List<string>();
        var untested = new List<string>();
        var figures = ProbeContext.Figures();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < methods.Length; i++)
        {
            var (method, flush) = methods[i];
            string path = context.Local(fileName + "-" + i);
            string peer = context.Peer(fileName + "-" + i);
            using var writer = ProbeFile.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_TRUNC);
            writer.Write("a"u8, 0);
            writer.Sync();
            ProbeFile? held = null;
            try
            {
                if (!context.PollUntil(() => (held ??= ProbeFile.TryOpen(peer, Libc.O_RDONLY, out _)) != null && isFresh(writer, held!, peer), 2))
                {
                    untested.Add(method);
                    continue;
                }

                change(writer);
                flush(held!, peer);
                (isFresh(writer, held!, peer) ? fresh : stale).Add(method);
            }
            finally
            {
                held?.Dispose();
            }
        }

        figures["flush trials took ms"] = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
        string untestedText = untested.Count > 0
            ? " Not tested (the new file did not show through PeerPath in time): " + string.Join(", ", untested) + "."
            : string.Empty;
        if (fresh.Contains(NoFlush))
        {
            return new ProbeResult(name, ProbeOutcome.Supported, setting,
                "PeerPath saw the changed " + what + " at once without a flush: no flush needed." + untestedText, figures);
        }

        var staleFlushes = stale.FindAll(m => m != NoFlush);
        if (fresh.Count > 0)
        {
            return new ProbeResult(name, ProbeOutcome.Supported, setting,
                "Without a flush PeerPath saw stale " + what + ". Fresh at once after: " + string.Join(", ", fresh) +
                (staleFlushes.Count > 0 ? "; still stale after: " + string.Join(", ", staleFlushes) : string.Empty) + ". Needs " + needed + "." + untestedText, figures);
        }

        if (staleFlushes.Count == 0)
        {
            return new ProbeResult(name, ProbeOutcome.Skipped, setting, "Not tested:" + untestedText, figures);
        }

        return new ProbeResult(name, ProbeOutcome.Unsupported, setting,
            "PeerPath saw stale " + what + " without a flush and after every flush tried (" + string.Join(", ", staleFlushes) +
            "): Dovecot's mail_nfs_* flushes cannot help here; pin each user to one host." + untestedText, figures);
    }

    // Dovecot's data cache flush: taking (and dropping) an fcntl lock makes the NFS client drop its cached pages.
    private static void FcntlFlush(ProbeFile file)
    {
        var lck = Libc.flock_t.WholeFile(Libc.F_RDLCK);
        if (Libc.fcntl(file.Fd, Libc.F_OFD_SETLK, ref lck) == 0)
        {
            lck.l_type = Libc.F_UNLCK;
            _ = Libc.fcntl(file.Fd, Libc.F_OFD_SETLK, ref lck);
        }
    }

    private static unsafe void SetMtime(ProbeFile file, long seconds, long nanoseconds)
    {
        var times = stackalloc Libc.timespec_t[2];
        times[0] = new Libc.timespec_t { tv_sec = seconds, tv_nsec = nanoseconds };
        times[1] = times[0];
        Libc.Check(Libc.futimens(file.Fd, times), "futimens", file.Path);
    }
}
