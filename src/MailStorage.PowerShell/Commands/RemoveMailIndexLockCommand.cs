using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MailStorage.Core.Locking;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Removes stale Dovecot dotlocks (a dead process's, or one unchanged for the stale timeout) from mailbox index folders; refuses live ones.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MailIndexLock", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MailIndexLockHolder))]
public sealed class RemoveMailIndexLockCommand : PSCmdlet
{
    private const string ErrorPrefix = "RemoveMailIndexLock";
    private string localHost = string.Empty;

    /// <summary>
    /// A mailbox index folder (every stale dotlock of Dovecot's in it), or one of Dovecot's lock files
    /// (<c>dovecot-uidlist.lock</c>, <c>dovecot.index.log.lock</c>, ...). Other <c>.lock</c> files are not Dovecot's and
    /// are never removed; a symbolic link is never a lock.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "File")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Also remove stale dotlocks in every folder below a folder given.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => localHost = FileLocks.LocalHostname;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (string path in Path)
        {
            foreach (var holder in DotlocksAt(path))
            {
                Remove(holder);
            }
        }
    }

    // The dotlocks a -Path names: every one of Dovecot's in a folder (and below with -Recurse), or the one lock file
    // given. Which files are Dovecot's locks, and what they protect, is Core's (DovecotLockFiles).
    private IEnumerable<LockHolder> DotlocksAt(string path)
    {
        string? resolved = ProviderPath.Resolve(this, path, ErrorPrefix);
        if (resolved == null)
        {
            return Array.Empty<LockHolder>();
        }

        try
        {
            if (Directory.Exists(resolved))
            {
                var found = IndexLockScanner.Scan(resolved, Recurse, out var notLocks);
                foreach (string notLock in notLocks)
                {
                    WriteWarning(notLock);
                }

                return found.Where(h => h.Method == LockMethod.Dotlock).ToList();
            }

            var state = DovecotLockFiles.Inspect(resolved, out _);
            switch (state)
            {
                case DovecotLockFileState.Missing:
                    Fail(new ItemNotFoundException("Cannot find '" + resolved + "'."), "PathNotFound", ErrorCategory.ObjectNotFound, path);
                    return Array.Empty<LockHolder>();
                case DovecotLockFileState.NotDovecotName when !resolved.EndsWith(DovecotLockFiles.DotlockSuffix, StringComparison.Ordinal):
                    var others = FileLocks.FindHolders(resolved);
                    string held = others.Count == 0 ? "it has no lock now" : "its lock (" + string.Join("; ", others) + ") belongs to a live process and goes away when that process releases it or ends";
                    Fail(new ArgumentException("'" + resolved + "' is not a dotlock (" + DovecotLockFiles.DotlockSuffix + " file): only stale dotlocks can be removed; " + held + "."), "NotDotlock", ErrorCategory.InvalidArgument, path);
                    return Array.Empty<LockHolder>();
                case DovecotLockFileState.NotDovecotName:
                case DovecotLockFileState.SymbolicLink:
                case DovecotLockFileState.NotRegularFile:
                    Fail(new ArgumentException(DovecotLockFiles.Explain(resolved, state)), "NotDotlock", ErrorCategory.InvalidArgument, path);
                    return Array.Empty<LockHolder>();
            }

            var holders = IndexLockScanner.FindLockFileHolders(resolved);
            var dotlocks = holders.Where(h => h.Method == LockMethod.Dotlock).ToList();
            if (holders.Count > dotlocks.Count)
            {
                // A lock file held by fcntl or flock: its holder is alive.
                Live(holders[0]);
            }
            else if (dotlocks.Count == 0)
            {
                Fail(new ItemNotFoundException("'" + resolved + "' is not a dotlock held now (it was removed meanwhile)."), "PathNotFound", ErrorCategory.ObjectNotFound, path);
            }

            return dotlocks;
        }
        catch (ArgumentException ex)
        {
            // Replaced by a link or a folder between the look and the judgement.
            Fail(ex, "NotDotlock", ErrorCategory.InvalidArgument, path);
            return Array.Empty<LockHolder>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail(ex, "ScanFailed", ex is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.ReadError, path);
            return Array.Empty<LockHolder>();
        }
    }

    private void Remove(LockHolder holder)
    {
        if (!holder.IsStale)
        {
            Live(holder);
            return;
        }

        if (!ShouldProcess(holder.LockPath, "Remove stale dotlock (" + holder + ")"))
        {
            return;
        }

        // The engine judges it again just before unlinking, and unlinks only the very file it judged: a lock taken
        // meanwhile by a live process is never deleted.
        bool removed;
        LockHolder? now;
        try
        {
            removed = FileLocks.TryRemoveStaleDotlock(holder.LockPath, null, out now);
        }
        catch (ArgumentException ex)
        {
            // Replaced meanwhile by a file that is no lock.
            Fail(ex, "NotDotlock", ErrorCategory.InvalidArgument, holder.LockPath);
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail(ex, "Failed", ex is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, holder.LockPath);
            return;
        }

        if (removed)
        {
            WriteObject(new MailIndexLockHolder(now ?? holder, localHost));
        }
        else if (now != null)
        {
            Live(now);
        }
        else
        {
            WriteVerbose(holder.LockPath + " was removed meanwhile by someone else.");
        }
    }

    private void Live(LockHolder holder) =>
        Fail(
            new IOException("Not removing " + holder.LockPath + ": " + holder + " is not stale (its process is alive, or it changed within the stale timeout). Wait for its holder, or end that process first."),
            "Live",
            ErrorCategory.ResourceBusy,
            holder.LockPath);

    private void Fail(Exception exception, string id, ErrorCategory category, object target) =>
        WriteError(new ErrorRecord(exception, ErrorPrefix + id, category, target));
}
