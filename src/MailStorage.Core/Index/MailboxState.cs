using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using MailStorage.Core.Caching;

namespace MailStorage.Core.Index;

/// <summary>
/// One message of a mailbox's current state: UID, flags and keyword names, read from the <see cref="IndexMapRecord"/>
/// that holds it. A value, not an object: a state of 100,000 messages is read without making 100,000 more objects.
/// </summary>
public readonly struct MailboxMessage : IEquatable<MailboxMessage>
{
    private readonly IndexMapRecord record;

    internal MailboxMessage(IndexMapRecord record) => this.record = record;

    /// <summary>The UID.</summary>
    public uint Uid => record.Uid;

    /// <summary>The flags byte (system flags plus index-private bits).</summary>
    public MailIndexFlags Flags => record.Flags;

    /// <summary>
    /// Keyword names, sorted ordinally. They come from the map the record was made or last changed in: a later map only
    /// adds names, so the record's bits name the same keywords there.
    /// </summary>
    public IReadOnlyList<string> Keywords => Sorted(record.Owner.KeywordsOf(record));

    /// <summary>The record this message reads: a map continued from another shares the records it does not change.</summary>
    public IndexMapRecord Record => record;

    /// <summary>Whether both read the same record.</summary>
    public static bool operator ==(MailboxMessage left, MailboxMessage right) => left.Equals(right);

    /// <summary>Whether they read different records.</summary>
    public static bool operator !=(MailboxMessage left, MailboxMessage right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(MailboxMessage other) => ReferenceEquals(record, other.record);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MailboxMessage other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => record?.GetHashCode() ?? 0;

    private static IReadOnlyList<string> Sorted(IReadOnlyList<string> names)
    {
        if (names.Count < 2)
        {
            return names;
        }

        string[] sorted = names.Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }
}

/// <summary>
/// A mailbox's current state as Dovecot sees it: the records of <c>dovecot.index</c> (if any) with the transaction
/// log past the index's <c>log_file_head_offset</c> applied in order, as messages with UIDs, flags and keyword names.
/// A view of the <see cref="IndexMap"/> that replayed them.
/// </summary>
public sealed class MailboxState
{
    private MailboxState(IndexMap map)
    {
        Map = map;
        Messages = new MessageView(map);
    }

    /// <summary>The replay this state shows.</summary>
    public IndexMap Map { get; }

    /// <summary>uid_validity after replay.</summary>
    public uint UidValidity => Map.UidValidity;

    /// <summary>next_uid after replay.</summary>
    public uint NextUid => Map.NextUid;

    /// <summary>indexid of the index (or log when there is no index).</summary>
    public uint IndexId => Map.IndexId;

    /// <summary>The messages, by ascending UID.</summary>
    public IReadOnlyList<MailboxMessage> Messages { get; }

    /// <summary>messages_count after replay.</summary>
    public int MessagesCount => Map.MessagesCount;

    /// <summary>Whether a usable dovecot.index was the starting point.</summary>
    public bool FromIndex => Map.FromIndex;

    /// <summary>The log sequence and offset replay ended at.</summary>
    public (uint FileSeq, long Offset) LogPosition => Map.LogPosition;

    /// <summary>Problems of the files read and of the replay.</summary>
    public IReadOnlyList<IndexProblem> Problems => Map.Problems;

    /// <summary>The base header of <c>dovecot.index</c> as on disk (before the log is applied), or null without one.</summary>
    public IndexHeader? IndexHeader => Map.IndexFileHeader;

    /// <summary>The extensions of <c>dovecot.index</c> (empty without a usable one).</summary>
    public IReadOnlyList<IndexExtension> IndexExtensions => Map.IndexFileExtensions;

    /// <summary>The keyword names in <c>dovecot.index</c>'s keywords extension, by index.</summary>
    public IReadOnlyList<string> IndexKeywords => Map.IndexFileKeywords;

    /// <summary>
    /// When a cached <see cref="Load(string, IndexCache, IndexCacheMode)"/> made this state from the previous one by
    /// applying only the log records from this offset on; null when it was replayed from the files.
    /// </summary>
    public long? ContinuedFrom => Map.ContinuedFrom;

    /// <summary>Reads <c>dovecot.index</c>, <c>.log.2</c> and <c>.log</c> from an index folder (any may be missing) and replays.</summary>
    public static MailboxState Load(string indexDirectory) => Of(IndexMap.Load(indexDirectory));

    /// <summary>
    /// As <see cref="Load(string)"/>, through <paramref name="cache"/> (see
    /// <see cref="IndexMap.Load(string, IndexCache, IndexCacheMode, string)"/>): an unchanged folder gives the same
    /// state again, a grown log one continued from the last.
    /// </summary>
    public static MailboxState Load(string indexDirectory, IndexCache cache, IndexCacheMode mode) => Of(IndexMap.Load(indexDirectory, cache, mode));

    /// <summary>Replays the logs over the index. <paramref name="index"/> null or unusable: the logs from their start.</summary>
    public static MailboxState Replay(IndexFile? index, TransactionLogFile? log2, TransactionLogFile? log) => Of(IndexMap.Replay(index, log2, log));

    /// <summary>The state <paramref name="map"/> shows, made once per map.</summary>
    public static MailboxState Of(IndexMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.MailboxView ??= new MailboxState(map);
    }

    /// <summary>The map's records as messages.</summary>
    private sealed class MessageView(IndexMap map) : IReadOnlyList<MailboxMessage>
    {
        public int Count => map.Records.Count;

        public MailboxMessage this[int index] => new MailboxMessage(map.Records[index]);

        public IEnumerator<MailboxMessage> GetEnumerator()
        {
            IReadOnlyList<IndexMapRecord> records = map.Records;
            for (int i = 0; i < records.Count; i++)
            {
                yield return new MailboxMessage(records[i]);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
