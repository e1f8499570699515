using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace MailStorage.Core.Tests.Repair;

/// <summary>The kinds of damage the generator makes, each on one file of a real Maildir built by Dovecot.</summary>
public enum Damage
{
    /// <summary>dovecot.index: next_uid 0.</summary>
    IndexNextUidZero,

    /// <summary>dovecot.index: next_uid below the highest UID.</summary>
    IndexNextUidBelowLastUid,

    /// <summary>dovecot.index: messages_count one more than the records the file holds.</summary>
    IndexMessagesCountTooLarge,

    /// <summary>dovecot.index: seen and deleted counts above messages_count.</summary>
    IndexSeenDeletedCountsWrong,

    /// <summary>dovecot.index: first unseen and first deleted lowwaters past next_uid.</summary>
    IndexLowwatersTooHigh,

    /// <summary>dovecot.index: two records swapped, so UIDs are out of order.</summary>
    IndexUidsNotOrdered,

    /// <summary>dovecot.index: header_size larger than the file.</summary>
    IndexHeaderSizeBroken,

    /// <summary>dovecot.index: record_size below the 8 bytes of a base record.</summary>
    IndexRecordSizeBroken,

    /// <summary>dovecot.index: the file cut in the middle of its last record.</summary>
    IndexTruncatedMidRecord,

    /// <summary>dovecot.index: log_file_seq ahead of the log that exists.</summary>
    IndexLogSeqAhead,

    /// <summary>dovecot.index.log: bytes after the last record that are no record.</summary>
    LogGarbageAtEof,

    /// <summary>dovecot.index.log: the file cut in the middle of its last record.</summary>
    LogCutMidRecord,

    /// <summary>dovecot.index.log: header indexid differs from the index's.</summary>
    LogIndexIdMismatch,

    /// <summary>dovecot.index.log: header file_seq (and prev_file_seq) no longer what the index points at.</summary>
    LogFileSeqMismatch,

    /// <summary>dovecot.index.cache: unsupported major version in the header.</summary>
    CacheHeaderBroken,

    /// <summary>dovecot.index.cache: garbage written over its field header and records.</summary>
    CacheGarbage,

    /// <summary>dovecot-uidlist: a line that is no record, in the middle.</summary>
    UidListGarbageLine,

    /// <summary>dovecot-uidlist: one UID on two lines (two files).</summary>
    UidListDuplicateUid,

    /// <summary>dovecot-uidlist: one line written twice (an append repeated after a crash).</summary>
    UidListDuplicateLine,

    /// <summary>dovecot-uidlist: two lines swapped.</summary>
    UidListOutOfOrder,

    /// <summary>dovecot-uidlist: header next_uid lowered and the expunged last message's line gone.</summary>
    UidListNextUidTooLow,

    /// <summary>dovecot-uidlist: header with an unreadable UIDVALIDITY and GUID.</summary>
    UidListHeaderBroken,

    /// <summary>dovecot-uidlist: cut in the middle of the last line's file name.</summary>
    UidListTruncatedMidLine,

    /// <summary>dovecot.index replaced by a symbolic link to a file outside the mailbox.</summary>
    IndexSymlinkOutside,
}

/// <summary>How a test shows that a damage is real: what Dovecot is made to do with the damaged copy.</summary>
public enum DamageProbe
{
    /// <summary>Open the mailbox (cached fields, flags, status), then write two flag changes and open again.</summary>
    OpenAndWrite,

    /// <summary>Lose the index files (as a later crash might), deliver a message and see which UID it gets.</summary>
    LoseIndexThenDeliver,
}

/// <summary>Which repair primitive fixes a damage.</summary>
public enum RepairPlan
{
    /// <summary>None of the primitives (the test shows only that the damage is real, or that it is refused).</summary>
    None,

    /// <summary>MailIndexRepair.FixIndexHeader.</summary>
    FixIndexHeader,

    /// <summary>MailIndexRepair.QuarantineIndexFile("dovecot.index").</summary>
    QuarantineIndex,

    /// <summary>MailIndexRepair.QuarantineIndexFile("dovecot.index.cache").</summary>
    QuarantineCache,

    /// <summary>MailIndexRepair.QuarantineIndexFile for both dovecot.index and dovecot.index.cache.</summary>
    QuarantineIndexAndCache,

    /// <summary>MailIndexRepair.CutTransactionLog, then FixIndexHeader (the index's log position may point past the cut).</summary>
    CutLog,

    /// <summary>MailIndexRepair.RebuildUidList.</summary>
    RebuildUidList,
}

/// <summary>
/// Damages a copy of a Dovecot-built Maildir, one kind at a time, on the bytes of the real files (offsets from the
/// formats' field tables, checked against what the file holds before writing).
/// </summary>
internal static class CorruptionGenerator
{
    /// <summary>Every kind.</summary>
    public static IReadOnlyList<Damage> All { get; } = Enum.GetValues<Damage>();

    /// <summary>The file a kind damages.</summary>
    public static string FileOf(Damage damage) => damage switch
    {
        >= Damage.IndexNextUidZero and <= Damage.IndexLogSeqAhead => "dovecot.index",
        >= Damage.LogGarbageAtEof and <= Damage.LogFileSeqMismatch => "dovecot.index.log",
        Damage.CacheHeaderBroken or Damage.CacheGarbage => "dovecot.index.cache",
        Damage.IndexSymlinkOutside => "dovecot.index",
        _ => "dovecot-uidlist",
    };

    /// <summary>How a test shows the damage is real.</summary>
    public static DamageProbe ProbeOf(Damage damage) =>
        damage == Damage.UidListNextUidTooLow ? DamageProbe.LoseIndexThenDeliver : DamageProbe.OpenAndWrite;

    /// <summary>Which primitive repairs it.</summary>
    public static RepairPlan PlanOf(Damage damage) => damage switch
    {
        Damage.IndexNextUidZero or Damage.IndexNextUidBelowLastUid or Damage.IndexMessagesCountTooLarge or
            Damage.IndexSeenDeletedCountsWrong or Damage.IndexLowwatersTooHigh or Damage.IndexUidsNotOrdered or
            Damage.IndexLogSeqAhead => RepairPlan.FixIndexHeader,
        Damage.IndexHeaderSizeBroken or Damage.IndexRecordSizeBroken or Damage.IndexTruncatedMidRecord => RepairPlan.QuarantineIndex,
        Damage.LogIndexIdMismatch => RepairPlan.QuarantineIndexAndCache,
        Damage.LogGarbageAtEof or Damage.LogCutMidRecord => RepairPlan.CutLog,
        Damage.CacheHeaderBroken or Damage.CacheGarbage => RepairPlan.QuarantineCache,
        // A log whose header names another sequence than the index's is not something a primitive can judge: was the
        // log replaced (then the index misses what the lost logs held) or was its header damaged? Dovecot's fsck
        // replays the log over the index and resyncs Maildir, with errors but without losing a UID or a flag.
        Damage.LogFileSeqMismatch or Damage.IndexSymlinkOutside => RepairPlan.None,
        _ => RepairPlan.RebuildUidList,
    };

    /// <summary>Damages <paramref name="maildir"/>; <paramref name="outside"/> is a file outside the mailbox (for the link).</summary>
    public static void Apply(Damage damage, string maildir, string outside)
    {
        string path = Path.Combine(maildir, FileOf(damage));
        switch (damage)
        {
            case Damage.IndexSymlinkOutside:
                File.Delete(path);
                File.CreateSymbolicLink(path, outside);
                return;
            case >= Damage.IndexNextUidZero and <= Damage.IndexLogSeqAhead:
                Rewrite(path, data => DamageIndex(damage, data));
                return;
            case >= Damage.LogGarbageAtEof and <= Damage.LogFileSeqMismatch:
                Rewrite(path, data => DamageLog(damage, data));
                return;
            case Damage.CacheHeaderBroken:
                Rewrite(path, data =>
                {
                    data[0] = 9;
                    return data;
                });
                return;
            case Damage.CacheGarbage:
                Rewrite(path, data =>
                {
                    // Every 7th byte from the field header on: names, sizes and records all become nonsense.
                    for (int i = 32; i < data.Length; i += 7)
                    {
                        data[i] = 0xA5;
                    }

                    return data;
                });
                return;
            default:
                Rewrite(path, data => Encoding.UTF8.GetBytes(DamageUidList(damage, Encoding.UTF8.GetString(data), maildir)));
                return;
        }
    }

    private static byte[] DamageIndex(Damage damage, byte[] data)
    {
        uint headerSize = U32(data, 4);
        uint recordSize = U32(data, 8);
        uint count = U32(data, 32);
        if (count < 10 || data.Length < headerSize + (count * recordSize))
        {
            throw new InvalidOperationException("the template's index is not what the generator expects (" + count + " records)");
        }

        switch (damage)
        {
            case Damage.IndexNextUidZero:
                Put(data, 28, 0);
                return data;
            case Damage.IndexNextUidBelowLastUid:
                Put(data, 28, 5);
                return data;
            case Damage.IndexMessagesCountTooLarge:
                Put(data, 32, count + 1);
                return data;
            case Damage.IndexSeenDeletedCountsWrong:
                Put(data, 40, count + 3);
                Put(data, 44, count + 2);
                return data;
            case Damage.IndexLowwatersTooHigh:
                Put(data, 52, U32(data, 28) + 7);
                Put(data, 56, U32(data, 28) + 9);
                return data;
            case Damage.IndexUidsNotOrdered:
                int a = (int)(headerSize + (3 * recordSize)), b = (int)(headerSize + (6 * recordSize));
                byte[] first = data.AsSpan(a, (int)recordSize).ToArray();
                data.AsSpan(b, (int)recordSize).CopyTo(data.AsSpan(a));
                first.CopyTo(data.AsSpan(b));
                return data;
            case Damage.IndexHeaderSizeBroken:
                Put(data, 4, (uint)data.Length + 100);
                return data;
            case Damage.IndexRecordSizeBroken:
                Put(data, 8, 3);
                return data;
            case Damage.IndexTruncatedMidRecord:
                return data.AsSpan(0, (int)(headerSize + ((count - 1) * recordSize) + 5)).ToArray();
            case Damage.IndexLogSeqAhead:
                Put(data, 60, U32(data, 60) + 3);
                return data;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }
    }

    private static byte[] DamageLog(Damage damage, byte[] data)
    {
        switch (damage)
        {
            case Damage.LogGarbageAtEof:
                // A record header whose size decodes to 4 (below the 8 of any record), then text.
                return data.Concat(new byte[] { 0x80, 0x80, 0x80, 0x81 }).Concat("garbage!"u8.ToArray()).ToArray();
            case Damage.LogCutMidRecord:
                return data.AsSpan(0, data.Length - 10).ToArray();
            case Damage.LogIndexIdMismatch:
                Put(data, 4, U32(data, 4) + 12345);
                return data;
            case Damage.LogFileSeqMismatch:
                uint seq = U32(data, 8);
                Put(data, 8, seq + 5);
                Put(data, 12, seq + 4);
                Put(data, 16, 40);
                return data;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }
    }

    private static string DamageUidList(Damage damage, string text, string maildir)
    {
        var lines = text.Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count < 12)
        {
            throw new InvalidOperationException("the template's uidlist is not what the generator expects");
        }

        switch (damage)
        {
            case Damage.UidListGarbageLine:
                lines.Insert(6, "this is not a uidlist line");
                break;
            case Damage.UidListDuplicateUid:
                // Line 9 gets line 8's UID: two files, one UID.
                lines[8] = lines[7].Split(' ')[0] + " " + lines[8][(lines[8].IndexOf(' ', StringComparison.Ordinal) + 1)..];
                break;
            case Damage.UidListDuplicateLine:
                lines.Insert(9, lines[8]);
                break;
            case Damage.UidListOutOfOrder:
                (lines[5], lines[9]) = (lines[9], lines[5]);
                break;
            case Damage.UidListNextUidTooLow:
                // As if an old copy were restored: lines of expunged messages gone and N lowered to the last line's.
                lines = lines.Take(1).Concat(lines.Skip(1).Where(l => FileExists(maildir, l))).ToList();
                lines[0] = Regex.Replace(lines[0], " N[0-9]+", " N" + uint.Parse(lines[^1].Split(' ')[0], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case Damage.UidListHeaderBroken:
                lines[0] = "3 Vxyz N21 Gnothex";
                break;
            case Damage.UidListTruncatedMidLine:
                // A rewrite (expunged messages' lines gone) torn 12 bytes before its end, inside the last file name.
                lines = lines.Take(1).Concat(lines.Skip(1).Where(l => FileExists(maildir, l))).ToList();
                string joined = string.Join('\n', lines);
                return joined[..^12];
            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }

        return string.Join('\n', lines) + "\n";
    }

    private static bool FileExists(string maildir, string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        string name = line[(colon + 1)..];
        return Directory.EnumerateFiles(Path.Combine(maildir, "cur"), name + "*").Any() ||
            Directory.EnumerateFiles(Path.Combine(maildir, "new"), name + "*").Any();
    }

    private static void Rewrite(string path, Func<byte[], byte[]> change)
    {
        // In place, so the file keeps its inode, owner and mode as a real corruption would.
        byte[] damaged = change(File.ReadAllBytes(path));
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(0);
        stream.Write(damaged);
    }

    private static uint U32(byte[] data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));

    private static void Put(byte[] data, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
}
