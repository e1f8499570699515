using System;
using System.Buffers.Binary;
using System.Threading;

namespace MailStorage.Core.Index;

/// <summary>
/// Where the records are: their positions, kept in a store that the parses which extend this one share, and the
/// allocation-free list over them.
/// </summary>
public sealed partial class TransactionLogFile
{
    private readonly record struct RecordEntry(int Offset, int Size, bool Valid);

    /// <summary>The records of a log, enumerable without allocating.</summary>
    public readonly ref struct RecordList
    {
        private readonly TransactionLogFile log;

        internal RecordList(TransactionLogFile log) => this.log = log;

        /// <summary>How many records.</summary>
        public int Count => log.recordCount;

        /// <summary>The record at position <paramref name="i"/> (from 0).</summary>
        public TransactionLogRecord this[int i] => log.At(i);

        /// <summary>The enumerator.</summary>
        public Enumerator GetEnumerator() => new(log);

        /// <summary>A struct enumerator over the records.</summary>
        public ref struct Enumerator
        {
            private readonly TransactionLogFile log;
            private int i;

            internal Enumerator(TransactionLogFile log)
            {
                this.log = log;
                i = -1;
            }

            /// <summary>The current record.</summary>
            public readonly TransactionLogRecord Current => log.At(i);

            /// <summary>Moves to the next record.</summary>
            public bool MoveNext() => ++i < log.recordCount;
        }
    }

    private TransactionLogRecord At(int i)
    {
        if ((uint)i >= (uint)recordCount)
        {
            throw new ArgumentOutOfRangeException(nameof(i));
        }

        RecordEntry e = store[i];
        ReadOnlySpan<byte> data = this.data.Span;
        var raw = (TransactionLogRecordType)BinaryPrimitives.ReadUInt32LittleEndian(data[(e.Offset + 4)..]);
        return new TransactionLogRecord(e.Offset, raw, data.Slice(e.Offset + RecordHeaderSize, e.Size - RecordHeaderSize), e.Valid);
    }

    /// <summary>
    /// Record positions, appended to by a parse and then by the parses that extend it. An entry is never changed once
    /// written and a parse reads only its own first entries, so readers need no lock; appending (and deciding who may
    /// append) happens under the store's lock.
    /// </summary>
    private sealed class RecordStore
    {
        private RecordEntry[] items = new RecordEntry[16];

        /// <summary>Entries written.</summary>
        public int Count { get; private set; }

        public RecordEntry this[int i] => Volatile.Read(ref items)[i];

        public void Add(RecordEntry entry)
        {
            if (Count == items.Length)
            {
                var grown = new RecordEntry[items.Length * 2];
                Array.Copy(items, grown, Count);
                Volatile.Write(ref items, grown); // readers see the copy complete or the old array, both valid
            }

            items[Count] = entry;
            Count++;
        }

        /// <summary>A new store holding the first <paramref name="used"/> entries.</summary>
        public RecordStore CopyOf(int used)
        {
            var copy = new RecordStore { items = new RecordEntry[Math.Max(16, used + (used / 2))], Count = used };
            Array.Copy(Volatile.Read(ref items), copy.items, used);
            return copy;
        }
    }
}
