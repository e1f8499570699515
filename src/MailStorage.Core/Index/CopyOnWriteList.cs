using System;
using System.Collections;
using System.Collections.Generic;

namespace MailStorage.Core.Index;

/// <summary>
/// A list in chunks of <see cref="ChunkSize"/> that a copy shares with the list it was made from: the records of an
/// <see cref="IndexMap"/> continued from an earlier one. <see cref="Share"/> copies only the table of chunks; a chunk
/// is copied before its first change by a list that does not own it. So continuing a map of 100,000 records with one
/// append copies 25 chunk references and the last chunk, not 100,000 record references.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class CopyOnWriteList<T> : IReadOnlyList<T>
    where T : class
{
    /// <summary>Messages per chunk.</summary>
    internal const int ChunkSize = 4096;

    private const int Shift = 12;
    private const int Mask = ChunkSize - 1;

    private Chunk[] chunks = [];
    private int chunkCount;
    private int count;

    /// <inheritdoc />
    public int Count => count;

    /// <summary>The item at <paramref name="index"/>; setting it copies its chunk first when another list shares it.</summary>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            return chunks[index >> Shift].Items[index & Mask];
        }

        set
        {
            if ((uint)index >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            Own(index >> Shift).Items[index & Mask] = value;
        }
    }

    /// <summary>A new list with the same items, sharing every chunk until one of the two changes it.</summary>
    public CopyOnWriteList<T> Share()
    {
        var copy = new CopyOnWriteList<T> { chunks = new Chunk[Math.Max(4, chunkCount + 1)], chunkCount = chunkCount, count = count };
        Array.Copy(chunks, copy.chunks, chunkCount);
        return copy;
    }

    /// <summary>Appends an item.</summary>
    public void Add(T message)
    {
        int c = count >> Shift;
        if (c == chunkCount)
        {
            if (chunkCount == chunks.Length)
            {
                Array.Resize(ref chunks, Math.Max(4, chunkCount * 2));
            }

            chunks[chunkCount++] = new Chunk(this, new T[16]);
        }

        // The last chunk grows as it fills, so a small mailbox does not hold a whole chunk.
        Chunk chunk = Own(c);
        int slot = count & Mask;
        if (slot == chunk.Items.Length)
        {
            chunk.Items = Grow(chunk.Items);
        }

        chunk.Items[slot] = message;
        count++;
    }

    /// <summary>Removes <paramref name="length"/> items from <paramref name="start"/> on: the rest move down, into chunks of this list's own.</summary>
    public void RemoveRange(int start, int length)
    {
        if (length <= 0)
        {
            return;
        }

        if (start < 0 || start + length > count)
        {
            throw new ArgumentOutOfRangeException(nameof(start));
        }

        int oldCount = count;
        Chunk[] old = chunks;
        int firstChanged = start >> Shift;

        // Chunks before the first removed item stay as they are; the rest are rebuilt.
        chunkCount = firstChanged;
        count = firstChanged << Shift;
        chunks = new Chunk[Math.Max(4, old.Length)];
        Array.Copy(old, chunks, firstChanged);
        for (int i = firstChanged << Shift; i < oldCount; i++)
        {
            if (i < start || i >= start + length)
            {
                Add(old[i >> Shift].Items[i & Mask]);
            }
        }
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < count; i++)
        {
            yield return chunks[i >> Shift].Items[i & Mask];
        }
    }

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Chunk Own(int c)
    {
        Chunk chunk = chunks[c];
        if (!ReferenceEquals(chunk.Owner, this))
        {
            chunk = chunk.CopyFor(this);
            chunks[c] = chunk;
        }

        return chunk;
    }

    private static T[] Grow(T[] items)
    {
        var grown = new T[Math.Min(ChunkSize, items.Length * 2)];
        Array.Copy(items, grown, items.Length);
        return grown;
    }

    private sealed class Chunk
    {
        public Chunk(CopyOnWriteList<T> owner, T[] items)
        {
            Owner = owner;
            Items = items;
        }

        /// <summary>The one list that may change this chunk.</summary>
        public CopyOnWriteList<T> Owner { get; }

        public T[] Items { get; set; }

        public Chunk CopyFor(CopyOnWriteList<T> owner) => new(owner, (T[])Items.Clone());
    }
}
