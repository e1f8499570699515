using System;
using System.Diagnostics;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// What happens to a file someone holds open when another client replaces or removes it: Dovecot replaces
/// dovecot.index by rename() while readers hold the old one, and expunges Maildir files other processes may be
/// reading.
/// </summary>
internal static class OpenFileProbes
{
    /// <summary>rename() through Path over a file held open (through PeerPath when given): the descriptor should keep reading the old file.</summary>
    public static ProbeResult RenameOverOpenFile(ProbeContext context)
    {
        const string Name = ProbeNames.RenameOverOpenFile;
        const string Setting = "mail_nfs_index";
        string target = context.Local("rename-target");
        ProbeFile.WriteAll(target, "old content");
        using var held = OpenVisible(context, "rename-target", "old content");
        if (held == null)
        {
            return new ProbeResult(Name, ProbeOutcome.Skipped, Setting, "Not tested: the file written through Path did not become readable through " + Side(context) + " in time.");
        }

        ProbeFile.WriteAll(context.Local("rename-target.new"), "new content");
        Libc.Check(Libc.rename(context.Local("rename-target.new"), target), "rename", target);

        Span<byte> buffer = stackalloc byte[64];
        int n = held.TryRead(buffer, 0, out int errno);
        string holder = "a descriptor opened through " + Side(context);
        if (n < 0)
        {
            return new ProbeResult(Name, ProbeOutcome.Unsupported, Setting,
                "After rename() through Path replaced the file, reading " + holder + " failed with " + ProbeFile.ErrnoName(errno) +
                ". Readers of dovecot.index lose their file when a writer replaces it.");
        }

        string text = System.Text.Encoding.ASCII.GetString(buffer.Slice(0, n));
        return text == "old content"
            ? new ProbeResult(Name, ProbeOutcome.Supported, Setting, "After rename() through Path replaced the file, " + holder + " still read the old content.")
            : new ProbeResult(Name, ProbeOutcome.Degraded, Setting, "After rename() through Path replaced the file, " + holder + " read \"" + text + "\" instead of the old content.");
    }

    /// <summary>unlink() through Path of a file held open (through PeerPath when given): the descriptor should still read it.</summary>
    public static ProbeResult UnlinkOpenFile(ProbeContext context)
    {
        const string Name = ProbeNames.UnlinkOpenFile;
        const string Setting = "mail_nfs_storage";
        string target = context.Local("unlink-target");
        ProbeFile.WriteAll(target, "still here");
        using var held = OpenVisible(context, "unlink-target", "still here");
        if (held == null)
        {
            return new ProbeResult(Name, ProbeOutcome.Skipped, Setting, "Not tested: the file written through Path did not become readable through " + Side(context) + " in time.");
        }

        Libc.Check(Libc.unlink(target), "unlink", target);
        string holder = "a descriptor opened through " + Side(context);
        Span<byte> buffer = stackalloc byte[64];
        int n = held.TryRead(buffer, 0, out int errno);
        if (n < 0)
        {
            return new ProbeResult(Name, ProbeOutcome.Unsupported, Setting,
                "After unlink() through Path, reading " + holder + " failed with " + ProbeFile.ErrnoName(errno) + ": a mail being read can vanish when another process expunges it.");
        }

        string text = System.Text.Encoding.ASCII.GetString(buffer.Slice(0, n));
        if (text != "still here")
        {
            return new ProbeResult(Name, ProbeOutcome.Degraded, Setting, "After unlink() through Path, " + holder + " read \"" + text + "\" instead of the content.");
        }

        if (Libc.fstat(held.Fd, out _) != 0)
        {
            int statErrno = Libc.LastErrno;
            return new ProbeResult(Name, ProbeOutcome.Degraded, Setting,
                "After unlink() through Path, " + holder + " still read the content, but fstat() on it failed with " + ProbeFile.ErrnoName(statErrno) + ".");
        }

        return new ProbeResult(Name, ProbeOutcome.Supported, Setting, "After unlink() through Path, " + holder + " still read the content and fstat() worked.");
    }

    /// <summary>
    /// A file PeerPath has read is replaced through Path (temp file + rename, as Dovecot writes dovecot.index and
    /// dovecot-uidlist); PeerPath then re-opens it until it reads the new content: ESTALE and old content on the way.
    /// </summary>
    public static ProbeResult StaleHandleOnReopen(ProbeContext context)
    {
        const string Name = ProbeNames.StaleHandleOnReopen;
        const string Setting = "mail_nfs_storage";
        if (!context.HasPeer)
        {
            return new ProbeResult(Name, ProbeOutcome.Skipped, Setting, "Not tested: no PeerPath. ESTALE happens when another client replaced a file; give a second mount of the same storage.");
        }

        string target = context.Local("estale-target");
        ProbeFile.WriteAll(target, "version 1");
        using (var first = OpenVisible(context, "estale-target", "version 1"))
        {
            if (first == null)
            {
                return new ProbeResult(Name, ProbeOutcome.Skipped, Setting, "Not tested: the file written through Path did not become readable through PeerPath in time.");
            }
        }

        ProbeFile.WriteAll(context.Local("estale-target.new"), "version 2");
        Libc.Check(Libc.rename(context.Local("estale-target.new"), target), "rename", target);

        string peer = context.Peer("estale-target");
        int stale = 0;
        int old = 0;
        int otherErrors = 0;
        int lastErrno = 0;
        var watch = Stopwatch.StartNew();
        bool fresh = context.PollUntil(() =>
        {
            using var file = ProbeFile.TryOpen(peer, Libc.O_RDONLY, out int errno);
            if (file == null)
            {
                Count(errno);
                return false;
            }

            Span<byte> buffer = stackalloc byte[64];
            int n = file.TryRead(buffer, 0, out errno);
            if (n < 0)
            {
                Count(errno);
                return false;
            }

            if (System.Text.Encoding.ASCII.GetString(buffer.Slice(0, n)) == "version 2")
            {
                return true;
            }

            old++;
            return false;
        });
        double ms = watch.Elapsed.TotalMilliseconds;

        var figures = ProbeContext.Figures();
        figures["ESTALE errors"] = stale;
        figures["old content reads"] = old;
        string seen = stale + " ESTALE error(s), " + old + " read(s) of the old content" + (otherErrors > 0 ? ", " + otherErrors + " other error(s) (last " + ProbeFile.ErrnoName(lastErrno) + ")" : string.Empty);
        if (!fresh)
        {
            return new ProbeResult(Name, ProbeOutcome.Unsupported, Setting,
                "After the file was replaced through Path, re-opening it through PeerPath never gave the new content within " + ProbeContext.Ms(ms) + " (" + seen + ").", figures);
        }

        figures["new content after ms"] = Math.Round(ms, 1);
        if (stale == 0 && old == 0 && otherErrors == 0)
        {
            return new ProbeResult(Name, ProbeOutcome.Supported, Setting,
                "After the file was replaced through Path, the first re-open through PeerPath read the new content (" + ProbeContext.Ms(ms) + ").", figures);
        }

        return new ProbeResult(Name, ProbeOutcome.Degraded, Setting,
            "After the file was replaced through Path, re-opening it through PeerPath gave " + seen + " before the new content after " + ProbeContext.Ms(ms) +
            ". Dovecot retries ESTALE, but readers see old files for that long.", figures);

        void Count(int errno)
        {
            if (errno == Libc.ESTALE)
            {
                stale++;
            }
            else
            {
                otherErrors++;
                lastErrno = errno;
            }
        }
    }

    private static string Side(ProbeContext context) => context.HasPeer ? "PeerPath" : "Path";

    // Opens the file through PeerPath (Path without a peer), waiting until it reads the expected text.
    private static ProbeFile? OpenVisible(ProbeContext context, string name, string expected)
    {
        string path = context.Peer(name);
        ProbeFile? opened = null;
        bool ok = context.PollUntil(() =>
        {
            opened?.Dispose();
            opened = ProbeFile.TryOpen(path, Libc.O_RDONLY, out _);
            return opened != null && opened.ReadText() == expected;
        }, 2);
        if (!ok)
        {
            opened?.Dispose();
            return null;
        }

        return opened;
    }
}
