using System;
using Xunit;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// One template Maildir per test class (building it takes seconds), with what Dovecot showed of it before any damage:
/// the baseline every repaired copy must show again. Tests clone it and never change it.
/// </summary>
public sealed class RepairTemplate : IDisposable
{
    public RepairTemplate()
    {
        Missing = RepairMailbox.Missing();
        if (Missing != null)
        {
            return;
        }

        Mailbox = RepairMailbox.CreateTemplate();
        OpenReport first = Mailbox.Open();
        if (first.Problems.Count > 0)
        {
            throw new InvalidOperationException("the template mailbox does not open cleanly: " + string.Join(" | ", first.Problems));
        }

        Baseline = first.Snapshot;
    }

    /// <summary>Why Dovecot is not available, or null (tests assert it is null: a missing oracle is a failure).</summary>
    public string? Missing { get; }

    internal RepairMailbox? Mailbox { get; }

    internal MailboxSnapshot? Baseline { get; }

    /// <summary>A copy to damage.</summary>
    internal RepairMailbox Clone()
    {
        Assert.True(Missing == null, "repair tests need Dovecot: " + Missing);
        return Mailbox!.Clone();
    }

    public void Dispose() => Mailbox?.Dispose();
}
