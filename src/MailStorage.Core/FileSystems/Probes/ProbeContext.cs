using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>
/// What every probe works with: the probe folder seen through Path and (when given) through PeerPath, the time each
/// probe may take, and the cancellation that ends them all. Every wait is a poll loop against a deadline.
/// </summary>
internal sealed class ProbeContext
{
    internal ProbeContext(string folder, string? peerFolder, TimeSpan timeout, CancellationToken cancellation)
    {
        Folder = folder;
        PeerFolder = peerFolder;
        Timeout = timeout;
        Cancellation = cancellation;
    }

    /// <summary>The probe folder through Path.</summary>
    public string Folder { get; }

    /// <summary>The same folder through PeerPath; null without one.</summary>
    public string? PeerFolder { get; }

    /// <summary>Whether a PeerPath was given.</summary>
    public bool HasPeer => PeerFolder != null;

    /// <summary>The time each probe may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Cancels every wait.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>The time left for the probe that is running.</summary>
    public Deadline Deadline { get; private set; } = Deadline.After(TimeSpan.Zero);

    /// <summary>Starts the clock of the next probe.</summary>
    public void StartProbe() => Deadline = Deadline.After(Timeout);

    /// <summary>A name in the probe folder through Path.</summary>
    public string Local(string name) => Path.Combine(Folder, name);

    /// <summary>The same name through PeerPath (through Path when there is no peer).</summary>
    public string Peer(string name) => Path.Combine(PeerFolder ?? Folder, name);

    /// <summary>Polls <paramref name="condition"/> until it holds (true) or the probe's deadline passes (false).</summary>
    public bool PollUntil(Func<bool> condition, int intervalMilliseconds = 1) => PollUntil(condition, Deadline, intervalMilliseconds);

    /// <summary>Polls <paramref name="condition"/> until it holds (true) or <paramref name="deadline"/> passes (false).</summary>
    public bool PollUntil(Func<bool> condition, Deadline deadline, int intervalMilliseconds = 1)
    {
        while (true)
        {
            Cancellation.ThrowIfCancellationRequested();
            if (condition())
            {
                return true;
            }

            if (deadline.Expired)
            {
                return false;
            }

            Sleep(Math.Min(intervalMilliseconds, Math.Max(1, (int)deadline.Remaining.TotalMilliseconds)));
        }
    }

    /// <summary>Sleeps, waking early (with <see cref="OperationCanceledException"/>) on cancellation.</summary>
    public void Sleep(int milliseconds)
    {
        if (Cancellation.WaitHandle.WaitOne(milliseconds))
        {
            Cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Milliseconds with one decimal, for details.</summary>
    public static string Ms(double milliseconds) => milliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    /// <summary>A measurement dictionary that keeps the order figures were added in.</summary>
    public static Dictionary<string, double> Figures() => new(StringComparer.Ordinal);
}

/// <summary>A point in time on the monotonic clock.</summary>
internal readonly struct Deadline
{
    private readonly long endTicks;

    private Deadline(long endTicks) => this.endTicks = endTicks;

    /// <summary>The deadline <paramref name="span"/> from now.</summary>
    public static Deadline After(TimeSpan span) => new(Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency));

    /// <summary>Whether it has passed.</summary>
    public bool Expired => Stopwatch.GetTimestamp() >= endTicks;

    /// <summary>The time left (zero when passed).</summary>
    public TimeSpan Remaining
    {
        get
        {
            long left = endTicks - Stopwatch.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / Stopwatch.Frequency);
        }
    }
}
