using System;
using System.Collections.Generic;
using System.Threading;

namespace MailStorage.Core.Caching;

/// <summary>
/// The index file views of one session (a PowerShell runspace): <see cref="Get"/> hands out one shared view per file
/// and mode; <see cref="Clear"/> (Clear-MailIndexCache) drops them all.
/// </summary>
public sealed class IndexCache : IDisposable
{
    private readonly object gate = new();
    private readonly Dictionary<(string Path, IndexCacheMode Mode), IndexFileView> views = new();
    private readonly Dictionary<(string IndexPath, IndexCacheMode Mode), object> states = new();
    private readonly Counters counters = new();

    /// <summary>
    /// Held by a load that reads through the views (IndexMap.Load) and by <see cref="Clear"/>: a parse over mapped
    /// memory must not see its mapping removed halfway. Loads through one cache therefore run one at a time.
    /// </summary>
    internal object LoadGate { get; } = new();

    /// <summary>The shared view of <paramref name="path"/> under <paramref name="mode"/>, made on first use.</summary>
    public IndexFileView Get(string path, IndexCacheMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        var key = (System.IO.Path.GetFullPath(path), mode);
        lock (gate)
        {
            if (!views.TryGetValue(key, out var view))
            {
                view = new IndexFileView(key.Item1, mode, null, counters);
                views.Add(key, view);
            }

            return view;
        }
    }

    /// <summary>Drops the view of a file found missing, so that <see cref="Statistics"/> counts only files held.</summary>
    internal void Forget(string path, IndexCacheMode mode)
    {
        IndexFileView? view;
        lock (gate)
        {
            var key = (System.IO.Path.GetFullPath(path), mode);
            if (!views.Remove(key, out view))
            {
                return;
            }
        }

        view.Dispose();
    }

    /// <summary>
    /// Drops (disposes) every view; memory they handed out for Mmap is unmapped. The byte, revalidation and reread
    /// counters are the session's totals and are kept.
    /// </summary>
    public void Clear()
    {
        lock (LoadGate)
        {
            List<IndexFileView> dropped;
            lock (gate)
            {
                dropped = new List<IndexFileView>(views.Values);
                views.Clear();
                states.Clear();
            }

            foreach (var view in dropped)
            {
                view.Dispose();
            }
        }
    }

    /// <summary>What the last load of <paramref name="key"/> left for the next one (parses and the state), or null.</summary>
    internal object? GetState((string IndexPath, IndexCacheMode Mode) key)
    {
        lock (gate)
        {
            return states.TryGetValue(key, out var state) ? state : null;
        }
    }

    /// <summary>Keeps what a load of <paramref name="key"/> made; <see cref="Clear"/> drops it with the views it was parsed from.</summary>
    internal void SetState((string IndexPath, IndexCacheMode Mode) key, object state)
    {
        lock (gate)
        {
            states[key] = state;
        }
    }

    /// <summary>Views held now, and the session's bytes read, revalidations and rereads.</summary>
    public IndexCacheStatistics Statistics
    {
        get
        {
            int count;
            lock (gate)
            {
                count = views.Count;
            }

            return new IndexCacheStatistics(count, counters.BytesRead, counters.Revalidations, counters.Rereads);
        }
    }

    /// <summary>Same as <see cref="Clear"/>.</summary>
    public void Dispose() => Clear();

    /// <summary>Totals the views of one cache add to.</summary>
    internal sealed class Counters
    {
        private long bytesRead, revalidations, rereads;

        public long BytesRead => Interlocked.Read(ref bytesRead);

        public long Revalidations => Interlocked.Read(ref revalidations);

        public long Rereads => Interlocked.Read(ref rereads);

        public void AddBytesRead(long n) => Interlocked.Add(ref bytesRead, n);

        public void AddRevalidation() => Interlocked.Increment(ref revalidations);

        public void AddReread() => Interlocked.Increment(ref rereads);
    }
}
