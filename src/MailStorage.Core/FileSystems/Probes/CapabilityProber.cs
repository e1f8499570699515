using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems.Probes;

/// <summary>Which probe is about to run, for progress reports.</summary>
/// <param name="Index">0-based position of the probe.</param>
/// <param name="Count">How many probes run.</param>
/// <param name="Name">The probe's name (the first of its results).</param>
public sealed record ProbeProgress(int Index, int Count, string Name);

/// <summary>
/// Runs real probes against a storage: locks, dotlock races, open files, file names, mmap coherence, attribute and
/// data caches, clock skew. Everything happens in one temporary folder created under Path
/// (<c>.mailstorage-probe-&lt;random&gt;</c>), seen through PeerPath under the same name when a PeerPath is given,
/// and removed at the end, also on failure, timeout or cancellation. Nothing else is touched.
/// </summary>
public static class CapabilityProber
{
    /// <summary>The start of the temporary folder's name.</summary>
    public const string FolderPrefix = ".mailstorage-probe-";

    private static readonly (string Name, Func<ProbeContext, IEnumerable<ProbeResult>> Run)[] Probes =
    {
        (ProbeNames.FcntlOfdLock, c => LockProbes.Run(c, Libc.LockKind.Ofd)),
        (ProbeNames.FcntlLock, c => LockProbes.Run(c, Libc.LockKind.Classic)),
        (ProbeNames.Flock, c => LockProbes.Run(c, Libc.LockKind.Flock)),
        (ProbeNames.ExclusiveCreateRace, c => new[] { RaceProbes.ExclusiveCreate(c) }),
        (ProbeNames.LinkDotlockRace, c => new[] { RaceProbes.LinkDotlock(c) }),
        (ProbeNames.RenameOverOpenFile, c => new[] { OpenFileProbes.RenameOverOpenFile(c) }),
        (ProbeNames.UnlinkOpenFile, c => new[] { OpenFileProbes.UnlinkOpenFile(c) }),
        (ProbeNames.StaleHandleOnReopen, c => new[] { OpenFileProbes.StaleHandleOnReopen(c) }),
        (ProbeNames.FileNameCharacters, c => new[] { NameProbe.Run(c) }),
        (ProbeNames.MmapCoherence, c => new[] { MmapProbe.Run(c) }),
        (ProbeNames.AttributeStaleness, c => new[] { CacheProbes.Staleness(c) }),
        (ProbeNames.AttributeFlush, c => new[] { CacheProbes.AttributeFlush(c) }),
        (ProbeNames.DataFlush, c => new[] { CacheProbes.DataFlush(c) }),
        (ProbeNames.ClockSkew, c => new[] { ClockProbe.Run(c) }),
    };

    /// <summary>How many progress steps <see cref="Run"/> reports.</summary>
    public static int ProbeCount => Probes.Length;

    /// <summary>
    /// Runs every probe in a temporary folder under <paramref name="path"/>. Each probe waits at most
    /// <paramref name="timeout"/>. Results come in the order of <see cref="ProbeNames.All"/>.
    /// </summary>
    /// <param name="path">A folder on the storage to probe.</param>
    /// <param name="peerPath">The same folder through another mount of the same storage (another client), or null.</param>
    /// <param name="timeout">The longest any one probe waits for the storage.</param>
    /// <param name="cancellationToken">Stops the probes; the folder is still removed.</param>
    /// <param name="progress">Told before each probe runs.</param>
    /// <exception cref="ProbeSetupException">A path is missing, a file, read-only, or PeerPath is other storage.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static IReadOnlyList<ProbeResult> Run(string path, string? peerPath, TimeSpan timeout, CancellationToken cancellationToken, IProgress<ProbeProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(path);

        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");
        }

        CheckFolders(path, peerPath);
        string root = Path.GetFullPath(path);
        string? peerRoot = peerPath == null ? null : Path.GetFullPath(peerPath);
        string name = FolderPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        string folder = Path.Combine(root, name);
        CreateFolder(root, folder);
        try
        {
            string? peerFolder = peerRoot == null ? null : Path.Combine(peerRoot, name);
            var context = new ProbeContext(folder, peerFolder, timeout, cancellationToken);
            if (peerFolder != null)
            {
                CheckPeer(context, root, peerRoot!);
            }

            var results = new List<ProbeResult>();
            for (int i = 0; i < Probes.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new ProbeProgress(i, Probes.Length, Probes[i].Name));
                context.StartProbe();
                try
                {
                    results.AddRange(Probes[i].Run(context));
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    // A call that failed outright is a finding about this storage, not the end of the run.
                    results.Add(new ProbeResult(Probes[i].Name, ProbeOutcome.Unsupported, SettingOf(Probes[i].Name), "The probe failed: " + ex.Message));
                }
            }

            return results;
        }
        finally
        {
            RemoveFolder(folder);
        }
    }

    /// <summary>
    /// The checks <see cref="Run"/> makes before it creates anything: both paths exist and are folders. Cmdlets call it
    /// before asking ShouldProcess.
    /// </summary>
    /// <exception cref="ProbeSetupException">A path is missing or a file.</exception>
    public static void CheckFolders(string path, string? peerPath)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckFolder(path);
        if (peerPath != null)
        {
            CheckFolder(peerPath);
        }
    }

    private static string CheckFolder(string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new ProbeSetupException(ProbeSetupError.PathIsFile, full, "'" + full + "' is a file; give the folder to probe (the folder the mail or index files will live in).");
        }

        if (!Directory.Exists(full))
        {
            throw new ProbeSetupException(ProbeSetupError.PathNotFound, full, "The folder '" + full + "' does not exist.");
        }

        return full;
    }

    private static void CreateFolder(string root, string folder)
    {
        if (Libc.mkdir(folder, 0x1C0) == 0)
        {
            return;
        }

        int errno = Libc.LastErrno;
        if (errno == Libc.EROFS || errno == Libc.EACCES || errno == Libc.EPERM)
        {
            throw new ProbeSetupException(ProbeSetupError.PathReadOnly, root,
                "Cannot create the probe folder in '" + root + "': " + (errno == Libc.EROFS ? "the filesystem is read-only" : "permission denied") +
                " (" + ProbeFile.ErrnoName(errno) + "). The probes need a folder they may write in.");
        }

        throw Libc.Failure("mkdir", folder, errno);
    }

    // PeerPath must show the same storage: a file created through Path has to appear through PeerPath.
    private static void CheckPeer(ProbeContext context, string root, string peerRoot)
    {
        string marker = "peer-check";
        ProbeFile.WriteAll(context.Local(marker), "peer check");
        var deadline = Deadline.After(context.Timeout < TimeSpan.FromSeconds(5) ? context.Timeout : TimeSpan.FromSeconds(5));
        if (!context.PollUntil(() => File.Exists(context.Peer(marker)), deadline, 5))
        {
            throw new ProbeSetupException(ProbeSetupError.PeerNotSameStorage, peerRoot,
                "PeerPath is not the same storage: a file created as '" + context.Local(marker) + "' did not appear as '" + context.Peer(marker) +
                "' within " + ProbeContext.Ms(Math.Round((context.Timeout < TimeSpan.FromSeconds(5) ? context.Timeout : TimeSpan.FromSeconds(5)).TotalMilliseconds)) +
                ". Give PeerPath as the folder that shows the same files as '" + root + "' through another mount.");
        }
    }

    // Removes the folder and everything in it; a file the storage is slow to let go of gets a few more tries.
    private static void RemoveFolder(string folder)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static string SettingOf(string name) => name switch
    {
        ProbeNames.FcntlOfdLock or ProbeNames.FcntlLock or ProbeNames.Flock or ProbeNames.ClockSkew => "lock_method",
        ProbeNames.ExclusiveCreateRace or ProbeNames.LinkDotlockRace => "dotlock_use_excl",
        ProbeNames.MmapCoherence => "mmap_disable",
        ProbeNames.RenameOverOpenFile or ProbeNames.DataFlush => "mail_nfs_index",
        ProbeNames.FileNameCharacters => "mail_location",
        _ => "mail_nfs_storage",
    };
}
