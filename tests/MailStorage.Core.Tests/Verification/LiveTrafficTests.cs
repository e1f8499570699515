using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailStorage.Core.Caching;
using MailStorage.Core.Index;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Tests.Index;
using MailStorage.Core.Tests.TestBeds;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// Verification and reading while Dovecot writes: real doveadm processes save, change flags, expunge and move in four
/// mailboxes for 30 s, with log rotation sizes small enough that dovecot.index.log rotates many times, while the
/// mailboxes are verified and read in a loop. The mailboxes are sound all along, so an Error is a false alarm; after
/// the writers stop, what was read must equal <c>doveadm fetch 'uid flags'</c>.
/// </summary>
public sealed class LiveTrafficTests
{
    private static readonly string[] Boxes = ["INBOX", "Work", "Lists", "Archive"];

    private static readonly TimeSpan TrafficTime = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper output;

    public LiveTrafficTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public async Task Verifying_and_reading_while_doveadm_writes_gives_no_false_errors()
    {
        using var mailbox = DovecotMailbox.Create(8);
        // Rotate whenever the log passes 4 KiB (and after 1 s past 1 KiB): dozens of rotations in 30 s.
        File.AppendAllText(mailbox.Config, "mail_index_log_rotate_min_size = 1k\nmail_index_log_rotate_max_size = 4k\nmail_index_log_rotate_min_age = 1s\n");
        MailboxListIndexTests.Must(mailbox, ["mailbox", "create", .. Boxes.Skip(1)]);
        foreach (string box in Boxes.Skip(1))
        {
            for (int i = 0; i < 8; i++)
            {
                var run = mailbox.DoveadmWithInput("Subject: seed " + i + "\n\nbody\n", "save", "-m", box);
                Assert.True(run.ExitCode == 0, run.ToString());
            }
        }

        MailboxLocation[] locations = Boxes.Select(b => Location(mailbox, b)).ToArray();
        uint[] seqBefore = locations.Select(l => LogSeq(l.IndexDirectory)).ToArray();

        var writers = StartWriters(mailbox);
        var stop = new CancellationTokenSource();
        var findings = new ConcurrentBag<IndexDamage>();
        int runs = 0;
        int reads = 0;
        var readProblems = new ConcurrentBag<string>();
        var verifier = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (MailboxLocation location in locations)
                {
                    foreach (IndexDamage damage in Verify(location).Where(d => d.Severity >= DamageSeverity.Warning))
                    {
                        findings.Add(damage);
                    }
                }

                Interlocked.Increment(ref runs);
            }
        });
        var reader = Task.Run(() =>
        {
            using var cache = new IndexCache();
            while (!stop.IsCancellationRequested)
            {
                foreach (MailboxLocation location in locations)
                {
                    foreach (MailboxState state in new[] { MailboxState.Load(location.IndexDirectory), MailboxState.Load(location.IndexDirectory, cache, IndexCacheMode.Mmap) })
                    {
                        foreach (IndexProblem problem in state.Problems)
                        {
                            readProblems.Add(location.Name + ": " + problem);
                        }
                    }
                }

                Interlocked.Increment(ref reads);
            }
        });

        await Task.Delay(TrafficTime);
        foreach (Process writer in writers)
        {
            if (!writer.WaitForExit(10_000))
            {
                writer.Kill(entireProcessTree: true);
            }
        }

        stop.Cancel();
        await Task.WhenAll(verifier, reader);
        string writerErrors = string.Join("\n", writers.Select(w => w.StandardError.ReadToEnd()).Where(e => e.Length > 0));
        foreach (Process writer in writers)
        {
            writer.Dispose();
        }

        uint[] seqAfter = locations.Select(l => LogSeq(l.IndexDirectory)).ToArray();
        int rotations = seqAfter.Zip(seqBefore, (a, b) => (int)(a - b)).Sum();
        var errors = findings.Where(d => d.Severity == DamageSeverity.Error).ToList();
        var warnings = findings.Where(d => d.Severity == DamageSeverity.Warning).ToList();
        output.WriteLine("verification runs: " + runs * locations.Length + " (" + runs + " rounds over " + locations.Length + " mailboxes); state reads: " + reads * locations.Length * 2);
        output.WriteLine("findings: " + findings.Count + ", errors: " + errors.Count + ", warnings: " + warnings.Count + " (not confirmed: " + warnings.Count(w => w.Message.Contains("(not confirmed", StringComparison.Ordinal)) + "), confirmed under lock: " + findings.Count(d => d.ConfirmedUnderLock) + "; log rotations: " + rotations);
        foreach (var group in findings.GroupBy(d => d.Severity + " " + d.Code).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine("  " + group.Count() + " x " + group.Key + " (e.g. " + group.First() + ")");
        }

        output.WriteLine("state read problems: " + readProblems.Count);
        foreach (var group in readProblems.GroupBy(p => p).Take(10))
        {
            output.WriteLine("  " + group.Count() + " x " + group.Key);
        }

        if (writerErrors.Length > 0)
        {
            output.WriteLine("writers' stderr (first 2000 chars): " + writerErrors[..Math.Min(2000, writerErrors.Length)]);
        }

        Assert.True(rotations > 0, "dovecot.index.log never rotated: the test did not exercise rotation");
        Assert.True(runs > 10, "too few verification rounds (" + runs + ") to mean anything");
        Assert.Empty(errors);
        Assert.Empty(readProblems);
        Assert.True(warnings.Count <= runs * locations.Length / 1000, warnings.Count + " warnings in " + (runs * locations.Length) + " runs: more than one in a thousand");

        // The writers have stopped: what the readers read now is what Dovecot says the mailboxes hold.
        foreach (MailboxLocation location in locations)
        {
            string expected = Fetch(mailbox, location.Name);
            MailboxState state = MailboxState.Load(location.IndexDirectory);
            Assert.Empty(state.Problems);
            Assert.Equal(expected, Describe(state));
            using var cache = new IndexCache();
            Assert.Equal(expected, Describe(MailboxState.Load(location.IndexDirectory, cache, IndexCacheMode.Mmap)));
            Assert.DoesNotContain(Verify(location), d => d.Severity >= DamageSeverity.Warning);
            output.WriteLine(location.Name + ": " + state.MessagesCount + " messages, log seq " + LogSeq(location.IndexDirectory));
        }
    }

    [Fact]
    public void A_rotation_seen_half_done_is_not_a_duplicate_sequence()
    {
        using var mailbox = DovecotMailbox.Create(3);
        MailboxListIndexTests.Must(mailbox, "flags", "add", "\\Seen", "mailbox", "INBOX", "1:2");
        MailboxLocation location = Location(mailbox, "INBOX");
        string log2 = mailbox.IndexLog + ".2";

        // Dovecot's rotation: link(.log, .log.2), then rename(.log.newlock, .log). Between the two, both names are one file.
        TestCommand.Must("ln", "-f", mailbox.IndexLog, log2);
        Assert.DoesNotContain(MailboxVerifier.Verify(location), d => d.Code == IndexDamageKind.LogDuplicateSequence);
        Assert.Empty(MailboxState.Load(location.IndexDirectory).Problems);
        using (var cache = new IndexCache())
        {
            Assert.Empty(MailboxState.Load(location.IndexDirectory, cache, IndexCacheMode.Buffered).Problems);
        }

        // A second file with the same sequence is the damage Dovecot reports ("duplicate transaction log sequence").
        File.Delete(log2);
        File.Copy(mailbox.IndexLog, log2);
        Assert.Contains(MailboxVerifier.Verify(location), d => d.Code == IndexDamageKind.LogDuplicateSequence && d.Severity == DamageSeverity.Error);
        Assert.Contains(MailboxState.Load(location.IndexDirectory).Problems, p => p.Code == "LogDuplicateSequence");
    }

    [Fact]
    public void Damage_is_confirmed_under_the_lock_and_only_a_warning_while_dovecot_holds_it()
    {
        using var mailbox = DovecotMailbox.Create(3);
        MailboxLocation location = Location(mailbox, "INBOX");
        File.Delete(mailbox.UidList);
        string[] before = Directory.GetFileSystemEntries(mailbox.Maildir).Order(StringComparer.Ordinal).ToArray();

        IndexDamage confirmed = Assert.Single(Verify(location), d => d.Code == IndexDamageKind.UidListMissing);
        Assert.Equal(DamageSeverity.Error, confirmed.Severity);
        Assert.True(confirmed.ConfirmedUnderLock);
        // The uidlist dotlock came and went; the kernel lock on the log leaves nothing.
        Assert.Equal(before, Directory.GetFileSystemEntries(mailbox.Maildir).Order(StringComparer.Ordinal).ToArray());

        using (LockHolderProcess.ClassicFcntl(mailbox.IndexLog))
        {
            var options = new MailboxLockOptions { Timeout = TimeSpan.FromSeconds(1) };
            IndexDamage unconfirmed = Assert.Single(MailboxVerifier.Verify(location, options, CancellationToken.None), d => d.Code == IndexDamageKind.UidListMissing);
            output.WriteLine(unconfirmed.ToString());
            Assert.Equal(DamageSeverity.Warning, unconfirmed.Severity);
            Assert.False(unconfirmed.ConfirmedUnderLock);
            Assert.Contains("(not confirmed: Dovecot may have been writing, and the mailbox lock to look again could not be had: Timeout (1s) while waiting for lock for transaction log file " + mailbox.IndexLog, unconfirmed.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>As Test-MailIndex verifies: re-read on change, confirm under Dovecot's lock (fcntl, its default), 3 s at most.</summary>
    private static IReadOnlyList<IndexDamage> Verify(MailboxLocation location) =>
        MailboxVerifier.Verify(location, new MailboxLockOptions { Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);

    private static MailboxLocation Location(DovecotMailbox mailbox, string box)
    {
        string dir = box == "INBOX" ? mailbox.Maildir : Path.Combine(mailbox.Maildir, "." + box);
        return new MailboxLocation(box, dir, dir, dir, "maildir");
    }

    private static uint LogSeq(string indexDirectory) => TransactionLogFile.Read(Path.Combine(indexDirectory, "dovecot.index.log")).Header.FileSeq;

    /// <summary>
    /// Writers in parallel processes, each a shell loop of doveadm commands for <see cref="TrafficTime"/>: one saves to
    /// every mailbox (more than the others take away, so none runs empty), one changes flags, one expunges, one moves.
    /// </summary>
    private static List<Process> StartWriters(DovecotMailbox mailbox)
    {
        string d = mailbox.DoveadmCommandLine;
        string boxes = string.Join(' ', Boxes);
        string loop = "end=$(( $(date +%s) + " + (int)TrafficTime.TotalSeconds + " )); while [ $(date +%s) -lt $end ]; do for b in " + boxes + "; do ";
        string[] scripts =
        [
            loop + "printf 'Subject: live %s\\n\\nbody\\n' $RANDOM | " + d + " save -m $b; done; done",
            loop + d + " flags add '\\Seen $Live' mailbox $b $(( RANDOM % 12 + 1 )):$(( RANDOM % 12 + 8 )); " + d + " flags remove '\\Seen' mailbox $b $(( RANDOM % 12 + 1 )); " + d + " flags replace '\\Flagged' mailbox $b $(( RANDOM % 12 + 1 )); done; done",
            loop + "sleep 0.2; " + d + " expunge mailbox $b $(( RANDOM % 10 + 1 )); done; done",
            loop + "sleep 0.2; " + d + " move Archive mailbox $b $(( RANDOM % 10 + 1 )); " + d + " move Work mailbox Archive $(( RANDOM % 10 + 1 )); done; done",
        ];

        var writers = new List<Process>();
        foreach (string script in scripts)
        {
            var info = new ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            mailbox.RunAs(info);
            writers.Add(Process.Start(info) ?? throw new InvalidOperationException("bash did not start"));
        }

        return writers;
    }

    /// <summary><c>doveadm fetch 'uid flags'</c> as "uid flags" lines, without \Recent, flags sorted.</summary>
    private static string Fetch(DovecotMailbox mailbox, string box)
    {
        string text = MailboxListIndexTests.Must(mailbox, "fetch", "uid flags", "mailbox", box, "all");
        var lines = new List<string>();
        string? uid = null;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("uid: ", StringComparison.Ordinal))
            {
                uid = line[5..].Trim();
            }
            else if (line.StartsWith("flags:", StringComparison.Ordinal) && uid != null)
            {
                var flags = line[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").Order(StringComparer.Ordinal);
                lines.Add((uid + " " + string.Join(' ', flags)).TrimEnd());
                uid = null;
            }
        }

        return string.Join('\n', lines);
    }

    private static string Describe(MailboxState state) => string.Join('\n', state.Messages.Select(m =>
    {
        (MailIndexFlags Flag, string Name)[] system =
        [
            (MailIndexFlags.Answered, "\\Answered"), (MailIndexFlags.Flagged, "\\Flagged"), (MailIndexFlags.Deleted, "\\Deleted"),
            (MailIndexFlags.Seen, "\\Seen"), (MailIndexFlags.Draft, "\\Draft"),
        ];
        var names = system.Where(s => (m.Flags & s.Flag) != 0).Select(s => s.Name).Concat(m.Keywords).Order(StringComparer.Ordinal);
        return (m.Uid.ToString(CultureInfo.InvariantCulture) + " " + string.Join(' ', names)).TrimEnd();
    }));
}
