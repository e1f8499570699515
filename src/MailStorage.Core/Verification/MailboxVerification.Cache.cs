using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MailStorage.Core.Index;
using static MailStorage.Core.InvariantFormat;

namespace MailStorage.Core.Verification;

/// <summary>
/// dovecot.index.cache: what mail-cache.c, mail-cache-fields.c and mail-cache-lookup.c check, and whether it belongs
/// to the index (indexid, the "cache" extension's reset_id) and the index's record offsets lead to sound records.
/// </summary>
internal sealed partial class MailboxVerification
{
    private const string QuarantineCacheText = "Move dovecot.index.cache to quarantine; Dovecot starts a new cache and fills it again as clients ask (what Dovecot itself does: \"Deleting corrupted cache\").";

    private void CheckCache()
    {
        if (cache == null)
        {
            return;
        }

        foreach (IndexProblem problem in cache.Problems)
        {
            MapCacheProblem(problem);
        }

        if (cache.Header is not { } header || !HasValidCacheHeader())
        {
            return;
        }

        uint? indexId = index is { IsUsable: true } ? index.Header.IndexId : log is { IsUsable: true } && log.Header.IndexId != 0 ? log.Header.IndexId : null;
        if (indexId != null && header.IndexId != indexId)
        {
            Add(CachePath, IndexDamageKind.CacheIndexIdMismatch, DamageSeverity.Warning, CacheHeader.Offsets.IndexId, "indexid " + N(header.IndexId) + " differs from the index's " + N(indexId.Value) + " (Dovecot deletes the cache without a word)", RecommendedRepair.QuarantineCache, QuarantineCacheText);
            return;
        }

        uint? resetId = ExpectedCacheResetId();
        if (resetId != null && header.FileSeq != 0 && resetId != header.FileSeq)
        {
            Add(CachePath, IndexDamageKind.CacheResetIdMismatch, DamageSeverity.Warning, CacheHeader.Offsets.FileSeq, "file_seq " + N(header.FileSeq) + " differs from the index's cache reset_id " + N(resetId.Value) + " (Dovecot ignores the cached data)", RecommendedRepair.QuarantineCache, QuarantineCacheText);
            return;
        }

        if (cache.Problems.Count == 0)
        {
            CheckCacheOffsets(header);
        }
    }

    /// <summary>Whether the header could be read far enough to compare it (the reader stops at a bad version).</summary>
    private bool HasValidCacheHeader() =>
        !Has(CachePath, IndexDamageKind.CacheFileTooSmall) && !Has(CachePath, IndexDamageKind.CacheHeaderBroken);

    private void MapCacheProblem(IndexProblem problem)
    {
        IndexDamageKind kind = problem.Code switch
        {
            "CacheFileTooSmall" => IndexDamageKind.CacheFileTooSmall,
            "CacheUnsupportedMajorVersion" or "CacheUnsupportedUoffSize" or "CacheFileSeqZero" => IndexDamageKind.CacheHeaderBroken,
            "CacheFieldHeaderLoops" or "CacheFieldHeaderDecreases" or "CacheFieldHeaderOutside" or "CacheFieldHeaderMissing"
                or "CacheFieldHeaderSizeInvalid" or "CacheFieldNamesCorrupted" or "CacheFieldTypeCorrupted"
                or "CacheFieldDecisionCorrupted" => IndexDamageKind.CacheFieldHeaderBroken,
            "CacheRecordOffsetInvalid" or "CacheRecordOutside" or "CacheRecordSizeInvalid" or "CacheRecordOverflow"
                or "CacheFieldIndexInvalid" => IndexDamageKind.CacheRecordBroken,
            "CacheRecordChainLoops" => IndexDamageKind.CacheRecordListCircular,
            "CacheTrailingGarbage" => IndexDamageKind.CacheGarbageAtEnd,
            _ => IndexDamageKind.OtherProblem,
        };

        // Dovecot never walks the whole file, so bytes it would never reach are a warning only.
        DamageSeverity severity = kind is IndexDamageKind.CacheGarbageAtEnd or IndexDamageKind.OtherProblem ? DamageSeverity.Warning : DamageSeverity.Error;
        Add(CachePath, kind, severity, problem.Offset, problem.Message, RecommendedRepair.QuarantineCache, QuarantineCacheText);
    }

    /// <summary>
    /// The reset_id the cache must carry as its file_seq: the index's "cache" extension's, updated by the extension
    /// intros and resets in the log after the index (a purge writes them). Null when no extension says.
    /// </summary>
    private uint? ExpectedCacheResetId()
    {
        if (position.Kind is IndexLogPosition.Lost or IndexLogPosition.Newer)
        {
            // Where the log continues the index is unknown, and so is what it says about the cache.
            return null;
        }

        uint? expected = null;
        var names = new List<string>();
        uint startSeq = position.Kind == IndexLogPosition.Reset ? position.Log!.Header.FileSeq : 0;
        long startOffset = 0;
        if (index is { IsUsable: true } && position.Kind != IndexLogPosition.Reset)
        {
            foreach (IndexExtension extension in index.Extensions)
            {
                names.Add(extension.Name);
                if (extension.Name == "cache")
                {
                    expected = extension.ResetId;
                }
            }

            startSeq = index.Header.LogFileSeq;
            startOffset = index.Header.LogFileHeadOffset;
        }

        foreach (TransactionLogFile? file in new[] { log2, log })
        {
            if (file is not { IsUsable: true } || file.Header.FileSeq < startSeq || (file == log2 && log is { IsUsable: true } && log.Header.FileSeq == log2.Header.FileSeq))
            {
                continue;
            }

            long from = file.Header.FileSeq == startSeq ? startOffset : 0;
            string? selected = null;
            foreach (TransactionLogRecord record in file.Records)
            {
                if (record.Offset < from || !record.IsValid)
                {
                    continue;
                }

                ReadOnlySpan<byte> p = record.Payload;
                if (record.Type == TransactionLogRecordType.ExtIntro && p.Length >= ExtIntroFields.Size)
                {
                    // Intros name a new extension, or point at one by its place in the index's list (then extended by
                    // the ones the log introduced).
                    ExtIntroRecord intro = ExtIntroRecord.Read(p);
                    uint extId = intro.ExtId;
                    uint resetId = intro.ResetId;
                    int nameSize = intro.NameSize;
                    if (extId == ExtIntroFields.NewExtension || nameSize > 0)
                    {
                        selected = ExtIntroFields.Size + nameSize <= p.Length ? Encoding.ASCII.GetString(p.Slice(ExtIntroFields.Size, nameSize)) : null;
                        if (selected != null && !names.Contains(selected))
                        {
                            names.Add(selected);
                        }
                    }
                    else
                    {
                        selected = extId < names.Count ? names[(int)extId] : null;
                    }

                    if (selected == "cache" && resetId != 0)
                    {
                        expected = resetId;
                    }
                }
                else if (record.Type == TransactionLogRecordType.ExtReset && p.Length >= 4 && selected == "cache")
                {
                    expected = BinaryPrimitives.ReadUInt32LittleEndian(p);
                }
            }
        }

        return expected;
    }

    /// <summary>
    /// Follows each message's cache offset (the index records' "cache" extension) and the prev_offset chain behind it,
    /// as mail_cache_get_record and the loop tracking of mail-cache-lookup.c would when a client fetches the message.
    /// Only when the index's reset_id matches the cache: otherwise the offsets are for another cache file.
    /// </summary>
    private void CheckCacheOffsets(CacheHeader header)
    {
        if (index is not { IsUsable: true })
        {
            return;
        }

        IndexExtension? extension = index.Extensions.FirstOrDefault(e => e.Name == "cache");
        if (extension is not { RecordSize: >= 4 } || extension.ResetId != header.FileSeq)
        {
            return;
        }

        byte[] data = Bytes(CachePath);
        var sound = new HashSet<uint>();
        foreach (IndexRecord record in index.Records)
        {
            ReadOnlySpan<byte> field = record.Extension(extension);
            uint offset = field.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(field) : 0;
            string? error = null;
            uint at = offset;
            var chain = new List<uint>();
            while (at != 0 && !sound.Contains(at))
            {
                chain.Add(at);
                error = at % 4 != 0 ? "invalid record offset"
                    : (long)at + 8 > data.Length ? "record points outside file"
                    : BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at + 4)) < 8 ? "invalid record size"
                    : at + (long)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at + 4)) > data.Length ? "record points outside file"
                    : null;
                if (error != null)
                {
                    break;
                }

                // Older records of a message lie before newer ones: anything else is a loop.
                uint previous = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at));
                if (previous != 0 && previous >= at)
                {
                    error = "record list is circular";
                    break;
                }

                at = previous;
            }

            if (error == null)
            {
                sound.UnionWith(chain);
                continue;
            }

            Add(
                CachePath,
                error == "record list is circular" ? IndexDamageKind.CacheRecordListCircular : IndexDamageKind.CacheRecordOffsetInvalid,
                DamageSeverity.Error,
                at,
                error,
                RecommendedRepair.QuarantineCache,
                "UID " + N(record.Uid) + " points at cache offset " + N(offset) + ". " + QuarantineCacheText);
        }
    }
}
