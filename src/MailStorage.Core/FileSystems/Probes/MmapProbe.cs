using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// Dovecot maps its index files unless mmap_disable=yes. The file is mapped through Path, written through PeerPath
/// (pwrite, as another host's Dovecot would), and the mapping is read until it shows the change.
/// </summary>
internal static class MmapProbe
{
    // A mapping that shows another mount's write later than this is stale for Dovecot's purposes.
    private const double CoherentWithinMs = 100;

    private const string Setting = "mmap_disable";
    private const int Size = 4096;

    public static ProbeResult Run(ProbeContext context)
    {
        if (!context.HasPeer)
        {
            return new ProbeResult(ProbeNames.MmapCoherence, ProbeOutcome.Skipped, Setting,
                "Not tested: no PeerPath. A mapping always sees writes made on the same mount; give a second mount of the same storage.");
        }

        string path = context.Local("mmap-target");
        using (var create = ProbeFile.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_TRUNC))
        {
            byte[] fill = new byte[Size];
            Array.Fill(fill, (byte)'a');
            create.Write(fill, 0);
            create.Sync();
        }

        using var mapped = ProbeFile.Open(path, Libc.O_RDONLY);
        IntPtr map = Libc.mmap(IntPtr.Zero, Size, Libc.PROT_READ, Libc.MAP_SHARED, mapped.Fd, 0);
        if (map == Libc.MAP_FAILED)
        {
            int errno = Libc.LastErrno;
            return new ProbeResult(ProbeNames.MmapCoherence, ProbeOutcome.Unsupported, Setting,
                "mmap(MAP_SHARED) through Path failed with " + ProbeFile.ErrnoName(errno) + ": Dovecot needs mmap_disable=yes here.");
        }

        try
        {
            if (Marshal.ReadByte(map, 0) != (byte)'a')
            {
                return new ProbeResult(ProbeNames.MmapCoherence, ProbeOutcome.Unsupported, Setting, "The mapping did not show the file's own content.");
            }

            string peer = context.Peer("mmap-target");
            ProbeFile? writer = null;
            try
            {
                if (!context.PollUntil(() => (writer ??= ProbeFile.TryOpen(peer, Libc.O_RDWR, out _)) is { } w && w.Stat().st_size == Size, 2))
                {
                    return new ProbeResult(ProbeNames.MmapCoherence, ProbeOutcome.Skipped, Setting, "Not tested: the file did not appear through PeerPath in time.");
                }

                writer!.Write("b"u8, 0);
                writer.Sync();
            }
            finally
            {
                writer?.Dispose();
            }

            var watch = Stopwatch.StartNew();
            bool seen = context.PollUntil(() =>
            {
                Thread.MemoryBarrier();
                return Marshal.ReadByte(map, 0) == (byte)'b';
            });
            double ms = watch.Elapsed.TotalMilliseconds;
            var figures = ProbeContext.Figures();
            if (!seen)
            {
                return new ProbeResult(ProbeNames.MmapCoherence, ProbeOutcome.Unsupported, Setting,
                    "A mapping through Path never showed a write made through PeerPath within " + ProbeContext.Ms(Math.Round(ms)) +
                    ": Dovecot would read stale index data. Set mmap_disable=yes.", figures);
            }

            figures["write visible in mapping after ms"] = Math.Round(ms, 2);
            if (ms > CoherentWithinMs)
            {
                // GlusterFS sometimes drops the page once the attribute cache expires (about a second): not coherent
                // for Dovecot, which would read stale index data meanwhile.
                return new ProbeResult(ProbeNames.MmapCoherence, ProbeOutcome.Degraded, Setting,
                    "A mapping through Path showed a write made through PeerPath only after " + ProbeContext.Ms(ms) +
                    ": Dovecot would read stale index data meanwhile. Set mmap_disable=yes.", figures);
            }

            return new ProbeResult(ProbeNames.MmapCoherence, ProbeOutcome.Supported, Setting,
                "A mapping through Path showed a write made through PeerPath after " + ProbeContext.Ms(ms) + ".", figures);
        }
        finally
        {
            _ = Libc.munmap(map, Size);
        }
    }
}
