using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Interop;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Verification;

/// <summary>
/// The index, dovecot-uidlist and the files in cur/ and new/ against each other, as maildir-sync-index.c pairs them:
/// each UID of the index must have a uidlist line, each line a file, each file a line. What does not pair up is what
/// a Dovecot sync would expunge or renumber.
/// </summary>
internal sealed partial class MailboxVerification
{
    private void CheckMaildir()
    {
        // A uidlist with broken lines is rebuilt first (keeping the UIDs of its readable lines, out of order ones
        // included); pairing its lines with the index now would report as lost what the rebuild keeps.
        if (uidList is not { Version: not 0 } list || HasAny(UidListPath, DamageSeverity.Error))
        {
            return;
        }

        Dictionary<string, (string Folder, string Name)>? files = ListMaildir();
        var lines = new Dictionary<uint, UidListRecord>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (UidListRecord record in list.Records)
        {
            lines[record.Uid] = record;
            names.Add(record.FileName);
        }

        var indexed = new HashSet<uint>();
        if (state != null)
        {
            foreach (MailboxMessage message in state.Messages)
            {
                indexed.Add(message.Uid);
                if (!lines.ContainsKey(message.Uid))
                {
                    Add(UidListPath, IndexDamageKind.IndexMessageMissingFromUidList, DamageSeverity.Error, null, "UID " + N(message.Uid) + " is in the index but has no line in dovecot-uidlist", RecommendedRepair.Report, "Dovecot's next sync expunges UID " + N(message.Uid) + " from the index; if its file is still in cur/ or new/ it comes back with a new UID. Put the line back (from a backup of dovecot-uidlist) before Dovecot syncs.");
                }
            }
        }

        uint nextUid = Math.Max(list.NextUid, state?.NextUid ?? 1);
        if (files == null)
        {
            return;
        }

        foreach (UidListRecord record in list.Records)
        {
            if (!files.TryGetValue(record.FileName, out var file))
            {
                // Dovecot leaves the lines of expunged messages until it rewrites the file: only a UID the index
                // still has has lost its file.
                if (!indexed.Contains(record.Uid))
                {
                    continue;
                }

                Add(UidListPath, IndexDamageKind.MessageFileMissing, DamageSeverity.Warning, record.Offset, "line " + N(record.Line) + ": the file of UID " + N(record.Uid) + " (" + record.FileName + ") is in neither cur/ nor new/", RecommendedRepair.Report, "Dovecot's next sync drops the line and expunges UID " + N(record.Uid) + ". Look for the file (another host's new/, a backup) if the message was not deleted.");
            }
            else if (state != null && !indexed.Contains(record.Uid) && record.Uid < state.NextUid)
            {
                Add(UidListPath, IndexDamageKind.UidListUidNotInIndex, DamageSeverity.Error, record.Offset, "Expunged message reappeared, giving a new UID (old uid=" + N(record.Uid) + ", file=" + file.Name + ")", RecommendedRepair.Report, "The index has no UID " + N(record.Uid) + " although its next_uid is " + N(state.NextUid) + "; Dovecot's next sync gives the file a new UID (" + N(nextUid) + " or above). If the index lost the message, quarantining dovecot.index lets Dovecot rebuild it with UID " + N(record.Uid) + ".");
            }
        }

        foreach (var (baseName, file) in files.OrderBy(f => f.Value.Folder, StringComparer.Ordinal).ThenBy(f => f.Value.Name, StringComparer.Ordinal))
        {
            if (names.Contains(baseName))
            {
                continue;
            }

            // A delivery agent other than Dovecot's drops mail in new/ without a line and without ":2," flags:
            // normal until the next sync. A file Dovecot has seen (in cur/, or given flags) had a line once.
            bool fresh = file.Folder == "new" && !file.Name.Contains(':', StringComparison.Ordinal);
            Add(
                Path.Combine(mailbox.MailDirectory, file.Folder, file.Name),
                IndexDamageKind.MessageMissingFromUidList,
                fresh ? DamageSeverity.Info : DamageSeverity.Warning,
                null,
                file.Folder + "/" + file.Name + " has no line in dovecot-uidlist",
                RecommendedRepair.Report,
                "Dovecot's next sync gives it a new UID (" + N(nextUid) + " or above)" + (fresh ? "." : "; Dovecot had seen this message before, so the line with its old UID was lost."));
        }
    }

    /// <summary>The files of cur/ and new/ by base name (the part before ':'), or null when the Maildir has no cur/.</summary>
    private Dictionary<string, (string Folder, string Name)>? ListMaildir()
    {
        if (!Directory.Exists(Path.Combine(mailbox.MailDirectory, "cur")))
        {
            return null;
        }

        var files = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (string folder in new[] { "cur", "new" })
        {
            string dir = Path.Combine(mailbox.MailDirectory, folder);
            // A file renamed while the folder is listed (a flag change) can be missed by readdir: see ChangedSinceRead.
            stamps[dir] = Libc.NoFollow.StampOfLink(dir);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (string path in Directory.EnumerateFiles(dir))
            {
                string name = Path.GetFileName(path);

                // Dovecot skips dot files in cur/ and new/.
                if (name.StartsWith('.'))
                {
                    continue;
                }

                int colon = name.IndexOf(':', StringComparison.Ordinal);
                files.TryAdd(colon < 0 ? name : name[..colon], (folder, name));
            }
        }

        return files;
    }
}
