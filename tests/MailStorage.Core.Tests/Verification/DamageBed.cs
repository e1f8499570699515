using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailStorage.Core.Index;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Tests.Index;
using MailStorage.Core.Tests.TestBeds;
using MailStorage.Core.Verification;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// One Maildir built by real Dovecot, copied for each test that damages it: 3 messages saved by doveadm and 20
/// dropped into new/, fetched with mail_cache_fields set and mail_index_rewrite_*_log_bytes at 1 so dovecot.index,
/// dovecot.index.log, dovecot.index.cache, dovecot-uidlist and dovecot-keywords all exist; UIDs 1-10 \Seen and
/// $Label1, 12-13 \Deleted, then after the last index write (so the log has a tail) 5 expunged and 20-22 \Flagged. doveadm runs on a copy
/// with <c>-o mail_location=maildir:&lt;copy&gt;</c>; its stderr is where Dovecot logs what it finds.
/// </summary>
public sealed class DamageBed : IDisposable
{
    private const string CacheFields = "flags date.received size.virtual hdr.subject";

    /// <summary>Makes Dovecot rewrite dovecot.index at the end of the command, so the file holds its changes.</summary>
    private static readonly string[] WriteIndex = { "-o", "mail_index_rewrite_min_log_bytes=1", "-o", "mail_index_rewrite_max_log_bytes=1" };
    private readonly DovecotMailbox? mailbox;

    public DamageBed()
    {
        Missing = DovecotMailbox.Missing();
        if (Missing != null)
        {
            return;
        }

        mailbox = DovecotMailbox.Create(3);
        for (int i = 1; i <= 20; i++)
        {
            mailbox.DeliverToNew("dropped " + i);
        }

        Must(WriteIndex.Concat(new[] { "-o", "mail_cache_fields=" + CacheFields, "fetch", "uid flags hdr.subject", "mailbox", "INBOX", "all" }).ToArray());
        Must(WriteIndex.Concat(new[] { "flags", "add", "\\Seen $Label1", "mailbox", "INBOX", "uid", "1:10" }).ToArray());
        Must(WriteIndex.Concat(new[] { "flags", "add", "\\Deleted", "mailbox", "INBOX", "uid", "12:13" }).ToArray());

        // After the last index write: these changes live only in the log.
        Must("expunge", "mailbox", "INBOX", "uid", "5");
        Must("flags", "add", "\\Flagged", "mailbox", "INBOX", "uid", "20:22");
        Directory.CreateDirectory(CopiesRoot);
        TestCommand.Must("chmod", "0755", CopiesRoot);
    }

    /// <summary>Why Dovecot is not available, or null.</summary>
    public string? Missing { get; }

    /// <summary>The pristine Maildir.</summary>
    public string Maildir => Bed.Maildir;

    private DovecotMailbox Bed => mailbox ?? throw new InvalidOperationException("Dovecot interop tests cannot run: " + Missing);

    private string CopiesRoot => Path.Combine(Bed.Root, "copies");

    /// <summary>A fresh copy of the pristine Maildir (owner and modes kept, so Dovecot can open it).</summary>
    public MailboxCopy Copy()
    {
        string dir = Path.Combine(CopiesRoot, Guid.NewGuid().ToString("N")[..8]);
        TestCommand.Must("cp", "-a", Bed.Maildir, dir);
        return new MailboxCopy(dir);
    }

    /// <summary>Runs doveadm on <paramref name="copy"/>: its output, with the errors and warnings Dovecot logged.</summary>
    internal DoveadmRun Dovecot(MailboxCopy copy, params string[] arguments) =>
        Bed.Doveadm(new[] { "-o", "mail_location=maildir:" + copy.Dir }.Concat(arguments).ToArray());

    /// <summary>The UIDs Dovecot shows for the copy's INBOX (after its own sync, which may repair or renumber).</summary>
    internal List<uint> Uids(MailboxCopy copy) =>
        Dovecot(copy, "fetch", "uid", "mailbox", "INBOX", "all").Output.Split('\n')
            .Where(l => l.StartsWith("uid: ", StringComparison.Ordinal))
            .Select(l => uint.Parse(l.AsSpan(5).Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    public void Dispose() => mailbox?.Dispose();

    private void Must(params string[] arguments)
    {
        var run = Bed.Doveadm(arguments);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException("doveadm " + string.Join(' ', arguments) + ": " + run);
        }
    }
}

/// <summary>A copy of the bed's Maildir that a test damages; removed when disposed.</summary>
public sealed class MailboxCopy : IDisposable
{
    internal MailboxCopy(string dir)
    {
        Dir = dir;
        Location = new MailboxLocation("INBOX", dir, dir, dir, "maildir");
    }

    public string Dir { get; }

    public MailboxLocation Location { get; }

    public string Index => Path.Combine(Dir, "dovecot.index");

    public string Log => Path.Combine(Dir, "dovecot.index.log");

    public string Cache => Path.Combine(Dir, "dovecot.index.cache");

    public string UidList => Path.Combine(Dir, "dovecot-uidlist");

    /// <summary>The copy's dovecot.index as it is now.</summary>
    public IndexFile ReadIndex() => IndexFile.Read(Index);

    /// <summary>What the verifier finds.</summary>
    public IReadOnlyList<IndexDamage> Verify() => MailboxVerifier.Verify(Location);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // under the bed's temporary root, which goes too
        }
    }
}
