using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace MailStorage.Core.Locking;

/// <summary>
/// Touches held dotlocks on time from one background thread of its own (started on first use), so a busy or starved
/// thread pool can never let a held lock look stale to others.
/// </summary>
internal static class DotlockRefresher
{
    private static readonly object Gate = new();
    private static readonly List<Entry> Entries = new();
    private static Thread? thread;
    private static long wakeAt = long.MaxValue;

    /// <summary>Refreshes <paramref name="target"/> every <paramref name="interval"/> until <see cref="Remove"/>.</summary>
    public static void Add(Dotlock target, TimeSpan interval)
    {
        lock (Gate)
        {
            long due = Stopwatch.GetTimestamp() + Ticks(interval);
            Entries.Add(new Entry(target, interval, due));
            if (thread == null)
            {
                thread = new Thread(Run) { IsBackground = true, Name = "MailStorage dotlock refresh" };
                thread.Start();
            }

            // Wake the thread only when this lock is due before it would wake anyway (not for every lock taken).
            if (due < wakeAt)
            {
                wakeAt = due;
                Monitor.Pulse(Gate);
            }
        }
    }

    /// <summary>Stops refreshing <paramref name="target"/>.</summary>
    public static void Remove(Dotlock target)
    {
        lock (Gate)
        {
            for (int i = Entries.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(Entries[i].Target, target))
                {
                    Entries.RemoveAt(i);
                }
            }
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static void Run()
    {
        var due = new List<Dotlock>();
        while (true)
        {
            lock (Gate)
            {
                while (true)
                {
                    long now = Stopwatch.GetTimestamp();
                    long next = long.MaxValue;
                    for (int i = 0; i < Entries.Count; i++)
                    {
                        var entry = Entries[i];
                        if (entry.Due <= now)
                        {
                            due.Add(entry.Target);
                            Entries[i] = entry with { Due = now + Ticks(entry.Interval) };
                            entry = Entries[i];
                        }

                        next = Math.Min(next, entry.Due);
                    }

                    if (due.Count > 0)
                    {
                        break;
                    }

                    wakeAt = next;
                    if (next == long.MaxValue)
                    {
                        Monitor.Wait(Gate);
                    }
                    else
                    {
                        Monitor.Wait(Gate, TimeSpan.FromSeconds(Math.Max(0.001, (next - now) / (double)Stopwatch.Frequency)));
                    }
                }
            }

            foreach (var target in due)
            {
                target.Refresh();
            }

            due.Clear();
        }
    }

    private readonly record struct Entry(Dotlock Target, TimeSpan Interval, long Due);
}
