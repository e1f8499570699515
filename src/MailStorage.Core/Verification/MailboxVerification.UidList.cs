using System;
using System.Text.RegularExpressions;
using MailStorage.Core.Index;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Verification;

/// <summary>
/// dovecot-uidlist and dovecot-keywords: what maildir-uidlist.c checks while reading, and whether the uidlist agrees
/// with the index on UIDVALIDITY and the next UID.
/// </summary>
internal sealed partial class MailboxVerification
{
    private const string RebuildUidListText = "Rebuild dovecot-uidlist from its readable lines, keeping every UID; Dovecot itself would delete the file and give the messages after the broken line new UIDs.";

    private void CheckUidList()
    {
        if (uidList == null)
        {
            if (state is { MessagesCount: > 0 } && !Has(UidListPath, IndexDamageKind.SymlinkedIndexFile) && !Has(UidListPath, IndexDamageKind.NotARegularFile))
            {
                Add(UidListPath, IndexDamageKind.UidListMissing, DamageSeverity.Error, null, "dovecot-uidlist is missing but the index has " + N(state.MessagesCount) + " messages", RecommendedRepair.Report, "Dovecot lists cur/ and new/ again and gives every message a new UID, above " + N(state.NextUid - 1) + ". Restore dovecot-uidlist from a backup before Dovecot opens the mailbox.");
            }

            return;
        }

        foreach (IndexProblem problem in uidList.Problems)
        {
            MapUidListProblem(problem);
        }

        if (uidList.Version == 0 || state == null || (state.MessagesCount == 0 && state.NextUid <= 1))
        {
            return;
        }

        if (uidList.UidValidity != 0 && state.UidValidity != 0 && uidList.UidValidity != state.UidValidity)
        {
            Add(UidListPath, IndexDamageKind.UidValidityMismatch, DamageSeverity.Error, 0, "UIDVALIDITY changed (" + N(state.UidValidity) + " -> " + N(uidList.UidValidity) + ")", RecommendedRepair.Report, "Dovecot resets the index to the uidlist's UIDVALIDITY: clients throw away what they cached, and flags kept only in the index are lost. Find out which file was restored or copied from elsewhere.");
        }

        if (uidList.NextUid < state.NextUid)
        {
            Add(UidListPath, IndexDamageKind.UidListNextUidTooLow, DamageSeverity.Warning, 0, "next_uid " + N(uidList.NextUid) + " is below the index's next_uid " + N(state.NextUid), RecommendedRepair.RebuildUidList, "N" + N(uidList.HeaderNextUid) + " -> N" + N(state.NextUid) + " (while the index lives Dovecot raises it in memory; if the index is lost, UIDs " + N(uidList.NextUid) + ".." + N(state.NextUid - 1) + " would be given again)");
        }
    }

    private void MapUidListProblem(IndexProblem problem)
    {
        (IndexDamageKind kind, DamageSeverity severity) = problem.Code switch
        {
            "UidListBadVersion" or "UidListUnsupportedVersion" or "UidListBrokenHeader" => (IndexDamageKind.UidListHeaderBroken, DamageSeverity.Error),
            "UidListInvalidData" or "UidListInvalidExtendedFields" => (IndexDamageKind.UidListSyntax, DamageSeverity.Error),
            "UidListBrokenFilename" => (IndexDamageKind.UidListBrokenFilename, DamageSeverity.Error),
            "UidListDuplicateUid" => (IndexDamageKind.UidListDuplicateUid, DamageSeverity.Error),
            "UidListNotOrdered" => (IndexDamageKind.UidListNotOrdered, DamageSeverity.Error),
            "UidListUidTooHigh" => (IndexDamageKind.UidListUidTooHigh, DamageSeverity.Error),
            "UidListUidAboveNextUid" => (IndexDamageKind.UidListUidAboveNextUid, DamageSeverity.Error),
            "UidListInvalidExtension" => (IndexDamageKind.UidListInvalidExtension, DamageSeverity.Warning),
            "UidListDuplicateFile" => (IndexDamageKind.UidListDuplicateFile, DamageSeverity.Warning),
            "UidListUnterminatedLine" => (IndexDamageKind.UidListTruncatedLine, DamageSeverity.Warning),
            _ => (IndexDamageKind.OtherProblem, DamageSeverity.Warning),
        };

        string message = problem.Message;
        if (problem.Code is not ("UidListDuplicateFile" or "UidListUnterminatedLine" or "UidListBrokenFilename"))
        {
            // Dovecot logs "Broken file <path> line <n>: <reason>"; the reader puts the line number elsewhere.
            string reason = AtLine().Replace(message, string.Empty);
            message = "line " + N(LineOf(UidListPath, problem.Offset)) + ": " + reason;
        }

        string repair = kind == IndexDamageKind.UidListTruncatedLine
            ? "Dovecot ignores the unfinished last line (an append in progress looks the same); rebuilding keeps the UIDs of the whole lines."
            : RebuildUidListText;
        Add(UidListPath, kind, severity, problem.Offset, message, RecommendedRepair.RebuildUidList, repair);
    }

    private void CheckKeywords()
    {
        byte[]? bytes = ReadFile(KeywordsPath);
        if (bytes == null)
        {
            return;
        }

        KeywordsFile keywords = KeywordsFile.Parse(bytes, KeywordsPath);
        foreach (IndexProblem problem in keywords.Problems)
        {
            Add(KeywordsPath, IndexDamageKind.KeywordsFileBroken, DamageSeverity.Warning, problem.Offset, "line " + N(LineOf(KeywordsPath, problem.Offset)) + ": " + problem.Message, RecommendedRepair.Report, "Dovecot skips the line; messages whose file names carry its letter lose that keyword. Fix the line by hand from the keywords in dovecot.index.");
        }
    }

    /// <summary>The 1-based line of a byte offset in a file read earlier.</summary>
    private int LineOf(string file, long offset)
    {
        byte[] data = Bytes(file);
        int end = (int)Math.Clamp(offset, 0, data.Length);
        return data.AsSpan(0, end).Count((byte)'\n') + 1;
    }

    [GeneratedRegex(@"\s?at line \d+")]
    private static partial Regex AtLine();
}
