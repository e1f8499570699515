using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Repair;
using MailStorage.Core.Verification;
using MailStorage.PowerShell.Common;

namespace MailStorage.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Repairs mailbox indexes under the mailbox lock, copying every original to a quarantine first.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "MailIndex", DefaultParameterSetName = MailboxSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MailIndexRepair), typeof(MailIndexRepairSummary))]
public sealed class RepairMailIndexCommand : MailboxIndexCmdlet
{
    private const int ProgressId = 0x4d57;

    private readonly Stopwatch watch = new();
    private readonly List<string> quarantines = new();
    private MailboxLockOptions lockOptions = new();
    private string quarantineRoot = Quarantine.DefaultRoot;
    private IReadOnlyList<string?> mailRoots = Array.Empty<string?>();
    private MailIndexRepairSummary? summary;
    private ProgressRecord? progress;
    private int inputs;

    /// <summary>
    /// Where originals are copied before they are changed (a folder per mailbox and run is made under it, with
    /// manifest.jsonl). Default: /var/lib/mailstorage/quarantine. Refused before anything runs when it is inside a
    /// mailbox or a mail tree (RepairMailIndexQuarantineInsideMailTree), has a symbolic link in any component
    /// (RepairMailIndexQuarantinePathSymbolicLink) or is a file (RepairMailIndexQuarantinePathNotFolder); missing
    /// folders are created mode 0700 without following links.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? QuarantinePath { get; set; }

    /// <summary>The Dovecot configuration (dovecot.conf) whose lock_method, dotlock_use_excl and mail_max_lock_timeout apply.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>How long to wait for each mailbox's lock, in seconds; 0 tries once. Default: 180, or mail_max_lock_timeout from -ConfigPath.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? LockTimeout { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        MailboxLockOptions configured = MailIndexLockRequest.Options(this, ErrorPrefix, null, false, LockTimeout, false, ConfigPath, null);
        lockOptions = configured;

        // A quarantine path reached through a link, or a file, is wrong for every input: stop before any.
        try
        {
            quarantineRoot = Quarantine.CheckPath(QuarantinePath == null ? Quarantine.DefaultRoot : ProviderPath.ResolveOrThrow(this, QuarantinePath, ErrorPrefix));
        }
        catch (IOException ex)
        {
            ThrowTerminatingError(QuarantineError(ex));
        }

        watch.Start();
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        inputs++;
        string? path = ProviderPath.Resolve(this, Path, ErrorPrefix);
        if (path == null)
        {
            return;
        }

        summary ??= new MailIndexRepairSummary(path, !ShouldChange());
        if (Recurse)
        {
            mailRoots = new[] { path, Resolve(IndexRoot), Resolve(ControlRoot) };
            if (QuarantineOutside(mailRoots))
            {
                RepairMailRoot(path);
            }

            return;
        }

        MailboxLocation? mailbox = ResolveMailbox(path);
        if (mailbox != null && QuarantineOutside(Quarantine.MailTreeOf(mailbox)))
        {
            RepairOne(mailbox);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (progress != null)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        // A summary only for bulk runs: one mailbox's objects say it all.
        if (summary != null && (Recurse || inputs > 1))
        {
            summary.Elapsed = watch.Elapsed;
            summary.QuarantinePaths = quarantines.Distinct(StringComparer.Ordinal).ToArray();
            WriteObject(summary);
        }
    }

    /// <inheritdoc />
    protected override string ErrorPrefix => "RepairMailIndex";

    /// <summary>Whether changes are allowed at all (false under -WhatIf), without asking.</summary>
    private bool ShouldChange() => !(MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf) && whatIf is SwitchParameter { IsPresent: true });

    private string? Resolve(string? path) => path == null ? null : ProviderPath.ResolveOrThrow(this, path, ErrorPrefix);

    /// <summary>Whether the quarantine lies outside <paramref name="mailTree"/>; if not, an error for this input (before any lock or folder).</summary>
    private bool QuarantineOutside(IEnumerable<string?> mailTree)
    {
        try
        {
            Quarantine.Check(quarantineRoot, mailTree);
            return true;
        }
        catch (IOException ex)
        {
            summary!.Failed++;
            WriteError(QuarantineError(ex));
            return false;
        }
    }

    /// <summary>A refused quarantine path by its refusal (RepairMailIndexQuarantineInsideMailTree...); one that could not be looked at as Failed.</summary>
    private ErrorRecord QuarantineError(IOException ex) => ex is RepairRefusedException refused
        ? new ErrorRecord(ex, ErrorPrefix + refused.Refusal, ErrorCategory.InvalidArgument, QuarantinePath ?? Quarantine.DefaultRoot)
        : new ErrorRecord(ex, ErrorPrefix + "Failed", ErrorCategory.ReadError, QuarantinePath ?? Quarantine.DefaultRoot);

    private void RepairMailRoot(string root)
    {
        IReadOnlyList<MailboxLocation>? mailboxes = ListMailRoot(root);
        if (mailboxes == null)
        {
            return;
        }

        for (int i = 0; i < mailboxes.Count; i++)
        {
            progress ??= new ProgressRecord(ProgressId, "Repair-MailIndex", "Repairing mailbox indexes");
            progress.PercentComplete = (int)(100L * i / Math.Max(1, mailboxes.Count));
            progress.StatusDescription = i + " of " + mailboxes.Count + " mailboxes (" + mailboxes[i].Name + ")";
            WriteProgress(progress);
            RepairOne(mailboxes[i]);
        }
    }

    private void RepairOne(MailboxLocation mailbox)
    {
        MailIndexRepairSummary total = summary!;
        total.Mailboxes++;
        try
        {
            // A first look without the lock decides whether to ask at all; the repair itself verifies again under it.
            MailboxRepairReport look = MailboxRepairer.Repair(mailbox, new MailboxRepairOptions { WhatIf = true, Log = new VerboseLog(this, mailbox.Name) }, Cancellation);
            if (look.Plan.Count == 0)
            {
                WriteLeft(look, total);
                total.Sound += look.Left.Any(Shown) ? 0 : 1;
                return;
            }

            string what = "Repair (" + string.Join("; ", look.Plan.Select(p => p.Description)) + "), copying each original to " +
                quarantineRoot + " first";
            if (!ShouldProcess(mailbox.IndexDirectory, what))
            {
                // -WhatIf repairs nothing: it counts what the run would repair (a declined -Confirm counts nothing).
                if (!ShouldChange())
                {
                    total.WouldRepair++;
                    total.PlannedActions += look.Plan.Count;
                }

                WriteLeft(look, total);
                return;
            }

            MailboxRepairReport report = MailboxRepairer.Repair(
                mailbox,
                new MailboxRepairOptions { Lock = lockOptions, QuarantineRoot = quarantineRoot, MailRoots = mailRoots, Log = new VerboseLog(this, mailbox.Name) },
                Cancellation);
            foreach (string removed in report.RemovedTemporaries)
            {
                WriteVerbose("Removed " + removed + ", left by an earlier repair that did not finish.");
            }

            foreach (RepairResult action in report.Actions)
            {
                if (action.Changed)
                {
                    total.Actions++;
                    WriteObject(new MailIndexRepair(action, mailbox));
                }
                else
                {
                    WriteVerbose(action.ToString());
                }
            }

            total.Repaired += report.Changed ? 1 : 0;
            total.Sound += report.Changed || report.Left.Any(Shown) ? 0 : 1;
            if (report.QuarantinePath != null)
            {
                quarantines.Add(report.QuarantinePath);
            }

            WriteLeft(report, total);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (TimeoutException ex)
        {
            total.Failed++;
            var record = new ErrorRecord(ex, ErrorPrefix + "LockTimedOut", ErrorCategory.OperationTimeout, mailbox.IndexDirectory);
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "See who holds it: Get-MailIndexLock -Path '" + mailbox.IndexDirectory + "'" };
            WriteError(record);
        }
        catch (RepairRefusedException ex)
        {
            total.Failed++;
            WriteError(new ErrorRecord(ex, ErrorPrefix + ex.Refusal, ErrorCategory.InvalidOperation, ex.Path.Length > 0 ? ex.Path : mailbox.IndexDirectory));
        }
        catch (UnauthorizedAccessException ex)
        {
            total.Failed++;
            WriteError(new ErrorRecord(ex, ErrorPrefix + "AccessDenied", ErrorCategory.PermissionDenied, mailbox.IndexDirectory));
        }
        catch (IOException ex)
        {
            total.Failed++;
            WriteError(new ErrorRecord(ex, ErrorPrefix + "Failed", ErrorCategory.WriteError, mailbox.IndexDirectory));
        }
    }

    /// <summary>Info-level findings (mail Dovecot has not seen yet) are not problems to leave or report.</summary>
    private static bool Shown(LeftAlone left) => left.Damage.Severity >= DamageSeverity.Warning;

    private void WriteLeft(MailboxRepairReport report, MailIndexRepairSummary total)
    {
        // One Report object per problem left alone (with Refusal when a repair refused): a warning besides it would
        // say the same thing a second time.
        foreach (LeftAlone left in report.Left.Where(Shown))
        {
            total.LeftAlone++;
            WriteObject(new MailIndexRepair(left, report.Mailbox));
        }
    }
}
