using System.Collections.Generic;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// File names with ':' (Maildir's info separator, in every file name Dovecot gives a mail with flags) and the other
/// characters Windows and CIFS servers refuse.
/// </summary>
internal static class NameProbe
{
    private const string Setting = "mail_location";
    private static readonly char[] Characters = { ':', '?', '*', '|', '<', '>', '"', '\\' };

    public static ProbeResult Run(ProbeContext context)
    {
        var refused = new List<string>();
        bool colon = true;
        foreach (char c in Characters)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            string path = context.Local("name" + c + "x");
            using var file = ProbeFile.TryOpen(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL, out int errno);
            if (file == null)
            {
                refused.Add("'" + c + "' (" + ProbeFile.ErrnoName(errno) + ")");
                colon &= c != ':';
                continue;
            }

            // Visible under the same name through the peer (a server may mangle it, as Samba does to 8.3 names).
            if (context.HasPeer && !context.PollUntil(() => ProbeFile.TryStat(context.Peer("name" + c + "x"), out _, out _), 2))
            {
                refused.Add("'" + c + "' (created through Path but not found under that name through PeerPath)");
                colon &= c != ':';
            }
        }

        var figures = ProbeContext.Figures();
        figures["characters refused"] = refused.Count;
        if (refused.Count == 0)
        {
            return new ProbeResult(ProbeNames.FileNameCharacters, ProbeOutcome.Supported, Setting,
                "Names with : ? * | < > \" \\ were all created" + (context.HasPeer ? " and seen through PeerPath." : "."), figures);
        }

        string list = string.Join(", ", refused);
        return colon
            ? new ProbeResult(ProbeNames.FileNameCharacters, ProbeOutcome.Degraded, Setting,
                "':' works (Maildir is possible) but these were refused: " + list + ". Mailbox names with them cannot be stored.", figures)
            : new ProbeResult(ProbeNames.FileNameCharacters, ProbeOutcome.Unsupported, Setting,
                "Refused: " + list + ". Maildir names every mail with ':'; use sdbox or mdbox on this storage (a CIFS share behaves like this).", figures);
    }
}
