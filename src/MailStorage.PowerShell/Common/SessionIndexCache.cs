using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using MailStorage.Core.Caching;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// The index cache of each PowerShell session (runspace): made on first use, shared by every Get-MailIndex and
/// Get-MailIndexRecord in it, dropped by Clear-MailIndexCache and when the runspace closes. Sessions never share one:
/// a runspace's views (and mappings) stay its own, and closing it releases them.
/// </summary>
internal static class SessionIndexCache
{
    private static readonly ConditionalWeakTable<Runspace, IndexCache> Caches = new();

    /// <summary>The cache of the runspace this pipeline runs in, made when there is none.</summary>
    public static IndexCache Get()
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        if (runspace == null)
        {
            // Not on a pipeline thread (a cmdlet called from plain .NET code): a cache nobody keeps.
            return new IndexCache();
        }

        lock (Caches)
        {
            if (!Caches.TryGetValue(runspace, out IndexCache? cache))
            {
                cache = new IndexCache();
                Caches.Add(runspace, cache);
                runspace.StateChanged += OnStateChanged;
            }

            return cache;
        }
    }

    /// <summary>The cache of this runspace, or null when it has none (nothing read yet, or cleared).</summary>
    public static IndexCache? Peek()
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        lock (Caches)
        {
            return runspace != null && Caches.TryGetValue(runspace, out IndexCache? cache) ? cache : null;
        }
    }

    /// <summary>Drops this runspace's cache: its files are closed and unmapped; the next read starts a new one.</summary>
    public static void Drop()
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        if (runspace != null)
        {
            Drop(runspace);
        }
    }

    private static void Drop(Runspace runspace)
    {
        IndexCache? cache;
        lock (Caches)
        {
            if (!Caches.TryGetValue(runspace, out cache))
            {
                return;
            }

            Caches.Remove(runspace);
            runspace.StateChanged -= OnStateChanged;
        }

        cache.Dispose();
    }

    private static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is Runspace runspace && e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken)
        {
            Drop(runspace);
        }
    }
}
