using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using MailStorage.Core.Locking;
using MailStorage.Core.Mailboxes;
using MailStorage.Core.Repair;
using MailStorage.Core.Tests.TestBeds;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// A real Dovecot Maildir for the repair tests, built by doveadm: 20 messages saved, some \Seen, \Flagged, \Answered,
/// \Deleted and \Draft, keywords $Label1 and Work, the last message expunged, cached fields fetched twice (so
/// dovecot.index.cache holds records), dovecot.index written early (small rewrite thresholds) and then a few flag
/// changes that live only in the log's tail. The config sits beside it (written by <see cref="PrivateDovecot"/>, as
/// <see cref="DovecotMailbox"/>'s is); <see cref="Clone"/> copies the whole folder so each test damages its own copy
/// of one template.
/// </summary>
internal sealed class RepairMailbox : IDisposable
{
    /// <summary>Fields Dovecot caches and the open check fetches, so the cache is read.</summary>
    public const string CachedFields = "uid flags hdr.subject date.received size.virtual";

    private static readonly string[] EarlyIndex =
    {
        "-o", "mail_index_rewrite_min_log_bytes=1k", "-o", "mail_index_rewrite_max_log_bytes=1k",
    };

    private static int deliveries;

    private RepairMailbox(string root)
    {
        Root = root;
        Maildir = Path.Combine(root, "Maildir");
        Config = Path.Combine(root, "dovecot.conf");
    }

    /// <summary>The folder holding everything.</summary>
    public string Root { get; }

    /// <summary>INBOX: mail, index and control files.</summary>
    public string Maildir { get; }

    /// <summary>The private dovecot.conf.</summary>
    public string Config { get; }

    /// <summary>INBOX as the repair primitives take it.</summary>
    public MailboxLocation Location => new("INBOX", Maildir, Maildir, Maildir, "maildir");

    /// <summary>Why the tests cannot run here (no doveadm, not root), or null.</summary>
    public static string? Missing() => PrivateDovecot.Missing();

    /// <summary>Builds the template mailbox (takes a few seconds: 20 saves and the flag changes).</summary>
    public static RepairMailbox CreateTemplate()
    {
        string? missing = Missing();
        if (missing != null)
        {
            throw new InvalidOperationException("repair tests need Dovecot: " + missing);
        }

        var mailbox = new RepairMailbox(NewRoot());
        try
        {
            foreach (string sub in new[] { "cur", "new", "tmp" })
            {
                Directory.CreateDirectory(Path.Combine(mailbox.Maildir, sub));
            }

            mailbox.WriteConfig();
            TestCommand.Must("chown", "-R", PrivateDovecot.MailId + ":" + PrivateDovecot.MailId, mailbox.Maildir);
            for (int i = 1; i <= 20; i++)
            {
                mailbox.Must(Message("message " + i.ToString(CultureInfo.InvariantCulture)), EarlyIndex.Concat(new[] { "save" }).ToArray());
            }

            mailbox.MustEarly("flags", "add", "\\Seen", "mailbox", "INBOX", "uid", "1:10");
            mailbox.MustEarly("flags", "add", "\\Flagged $Label1", "mailbox", "INBOX", "uid", "3,5,7");
            mailbox.MustEarly("flags", "add", "Work", "mailbox", "INBOX", "uid", "12:14");
            mailbox.MustEarly("flags", "add", "\\Deleted", "mailbox", "INBOX", "uid", "18");
            mailbox.MustEarly("flags", "add", "\\Answered", "mailbox", "INBOX", "uid", "2");
            mailbox.MustEarly("expunge", "mailbox", "INBOX", "uid", "20");
            mailbox.MustEarly("fetch", CachedFields, "mailbox", "INBOX", "all");
            mailbox.MustEarly("fetch", CachedFields, "mailbox", "INBOX", "all");

            // With Dovecot's default thresholds these stay in the log, past the index's head offset.
            mailbox.Must(null, "flags", "add", "\\Draft", "mailbox", "INBOX", "uid", "15");
            mailbox.Must(null, "flags", "remove", "\\Seen", "mailbox", "INBOX", "uid", "9");
            foreach (string file in new[] { "dovecot.index", "dovecot.index.log", "dovecot.index.cache", "dovecot-uidlist" })
            {
                if (!File.Exists(Path.Combine(mailbox.Maildir, file)))
                {
                    throw new InvalidOperationException("the template has no " + file);
                }
            }

            return mailbox;
        }
        catch
        {
            mailbox.Dispose();
            throw;
        }
    }

    /// <summary>A copy of this mailbox (mail, indexes, config) in a new folder.</summary>
    public RepairMailbox Clone()
    {
        var copy = new RepairMailbox(NewRoot());
        Directory.Delete(copy.Root);
        TestCommand.Must("cp", "-a", Root, copy.Root);
        File.WriteAllText(copy.Config, File.ReadAllText(Config).Replace(Root, copy.Root, StringComparison.Ordinal));
        return copy;
    }

    /// <summary>A file of INBOX's folder.</summary>
    public string FileOf(string name) => Path.Combine(Maildir, name);

    /// <summary>Runs doveadm with this config (as user nobody, without an auth service).</summary>
    public DoveadmRun Doveadm(string? input, params string[] arguments)
    {
        // Longer than Dovecot's 2-minute stale timeout of the uidlist dotlock. In about one crash-test run in five an
        // open of a killed state did not finish within 60 s (cause not yet seen; a dotlock whose pid Dovecot cannot
        // prove dead would be waited out like this); a real hang still fails, with the files the mailbox held.
        var run = PrivateDovecot.Run(Config, "nobody", Root, input, TimeSpan.FromSeconds(150), arguments);
        if (run.TimedOut != null)
        {
            // What a hang leaves to look at: what doveadm said, and the files (a lock file, a torn log) it met.
            string files = string.Join(", ", Directory.EnumerateFiles(Maildir).Order(StringComparer.Ordinal)
                .Select(f => Path.GetFileName(f) + " " + new FileInfo(f).Length.ToString(CultureInfo.InvariantCulture) +
                             (f.EndsWith(".lock", StringComparison.Ordinal) ? " (" + File.ReadAllText(f).Trim() + ")" : string.Empty)));
            throw new TimeoutException("doveadm " + string.Join(' ', arguments) + " did not finish within 150 s; it said: " +
                run.Stderr.Trim() + "; the mailbox held: " + files);
        }

        return run;
    }

    /// <summary>UIDVALIDITY, UIDNEXT, the message count and every message's UID and flags (without \Recent).</summary>
    public MailboxSnapshot Snapshot()
    {
        var report = new List<string>();
        return Snapshot(report);
    }

    /// <summary>
    /// Opens INBOX the way a client would (the cached fields, then UIDs and flags, then the status) and returns what
    /// Dovecot logged as Error, Warning, Panic or Fatal on the way, with the state it showed.
    /// </summary>
    public OpenReport Open()
    {
        var problems = new List<string>();
        var cached = Doveadm(null, "fetch", CachedFields, "mailbox", "INBOX", "all");
        Collect(cached, problems);
        MailboxSnapshot snapshot = Snapshot(problems);
        return new OpenReport(problems, snapshot);
    }

    /// <summary>Adds \Answered to a message and removes it again: two transactions appended to the log.</summary>
    public IReadOnlyList<string> WriteSomething()
    {
        var problems = new List<string>();
        Collect(Doveadm(null, "flags", "add", "\\Answered", "mailbox", "INBOX", "uid", "4"), problems);
        Collect(Doveadm(null, "flags", "remove", "\\Answered", "mailbox", "INBOX", "uid", "4"), problems);
        return problems;
    }

    /// <summary>Drops a message into new/ as a delivery agent would.</summary>
    public string Deliver(string subject)
    {
        int n = Interlocked.Increment(ref deliveries);
        string name = "1900000000.M" + n.ToString(CultureInfo.InvariantCulture) + "P" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".repair-test";
        string path = Path.Combine(Maildir, "new", name);
        File.WriteAllText(path, Message(subject));
        TestCommand.Must("chown", PrivateDovecot.MailId + ":" + PrivateDovecot.MailId, path);
        return name;
    }

    /// <summary>The mailbox lock a repair takes (fcntl, as Dovecot's default; with the uidlist dotlock).</summary>
    public MailboxLock Lock()
    {
        var options = MailIndexRepair.LockOptionsFor(Location, new MailboxLockOptions { Timeout = TimeSpan.FromSeconds(30) });
        var attempt = MailboxLock.Acquire(Maildir, options, CancellationToken.None);
        return attempt.Lock ?? throw new InvalidOperationException("could not lock " + Maildir + ": " + attempt.Describe());
    }

    /// <summary>Removes the folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a process still in it; the folder is under /tmp
        }
        catch (UnauthorizedAccessException)
        {
            // likewise
        }
    }

    private static string NewRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), "mailstorage-repair-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        TestCommand.Must("chmod", "0755", root);
        return root;
    }

    private static string Message(string subject) =>
        "From: sender@example.org\nTo: user@example.org\nSubject: " + subject + "\nMessage-ID: <" + Guid.NewGuid().ToString("N") + "@example.org>\n\nbody of " + subject + "\n";

    private static void Collect(DoveadmRun run, List<string> problems)
    {
        foreach (string line in run.Stderr.Split('\n'))
        {
            if (line.Contains("Error:", StringComparison.Ordinal) || line.Contains("Warning:", StringComparison.Ordinal) ||
                line.Contains("Panic:", StringComparison.Ordinal) || line.Contains("Fatal:", StringComparison.Ordinal))
            {
                problems.Add(line.Trim());
            }
        }

        if (run.ExitCode != 0)
        {
            problems.Add("exit code " + run.ExitCode.ToString(CultureInfo.InvariantCulture));
        }
    }

    private MailboxSnapshot Snapshot(List<string> problems)
    {
        var fetch = Doveadm(null, "fetch", "uid flags", "mailbox", "INBOX", "all");
        Collect(fetch, problems);
        var messages = new SortedDictionary<uint, string>();
        uint uid = 0;
        foreach (string line in fetch.Stdout.Split('\n'))
        {
            if (line.StartsWith("uid: ", StringComparison.Ordinal))
            {
                uid = uint.Parse(line.AsSpan(5).Trim(), CultureInfo.InvariantCulture);
                messages[uid] = string.Empty;
            }
            else if (line.StartsWith("flags:", StringComparison.Ordinal))
            {
                messages[uid] = string.Join(' ', line[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").OrderBy(f => f, StringComparer.Ordinal));
            }
        }

        var status = Doveadm(null, "mailbox", "status", "uidvalidity uidnext messages", "INBOX");
        Collect(status, problems);
        var values = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (string token in status.Stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && uint.TryParse(token.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out uint value))
            {
                values[token[..eq]] = value;
            }
        }

        return new MailboxSnapshot(
            values.GetValueOrDefault("uidvalidity"),
            values.GetValueOrDefault("uidnext"),
            values.GetValueOrDefault("messages"),
            messages);
    }

    private void WriteConfig() =>
        PrivateDovecot.WriteConfig(Config, "repair tests", "maildir:" + Maildir, Root, "mail_cache_fields = flags date.received size.virtual hdr.subject");

    private void MustEarly(params string[] arguments) => Must(null, EarlyIndex.Concat(arguments).ToArray());

    private void Must(string? input, params string[] arguments)
    {
        var run = Doveadm(input, arguments);
        if (run.ExitCode != 0 || run.Stderr.Contains("Error:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("doveadm " + string.Join(' ', arguments) + " failed (exit " + run.ExitCode + "): " + run.Stderr.Trim());
        }
    }
}

/// <summary>What Dovecot showed of a mailbox: status and each message's flags (sorted, without \Recent).</summary>
internal sealed record MailboxSnapshot(uint UidValidity, uint UidNext, uint Messages, SortedDictionary<uint, string> Flags)
{
    /// <summary>The differences from <paramref name="other"/>, in words (empty when equal).</summary>
    public IReadOnlyList<string> Differences(MailboxSnapshot other)
    {
        var differences = new List<string>();
        if (UidValidity != other.UidValidity)
        {
            differences.Add("uidvalidity " + UidValidity + " vs " + other.UidValidity);
        }

        if (UidNext != other.UidNext)
        {
            differences.Add("uidnext " + UidNext + " vs " + other.UidNext);
        }

        if (Messages != other.Messages)
        {
            differences.Add("messages " + Messages + " vs " + other.Messages);
        }

        foreach (uint uid in Flags.Keys.Union(other.Flags.Keys).Order())
        {
            string mine = Flags.TryGetValue(uid, out string? a) ? a : "(none)";
            string theirs = other.Flags.TryGetValue(uid, out string? b) ? b : "(none)";
            if (mine != theirs)
            {
                differences.Add("uid " + uid + ": [" + mine + "] vs [" + theirs + "]");
            }
        }

        return differences;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("uidvalidity=").Append(UidValidity).Append(" uidnext=").Append(UidNext).Append(" messages=").Append(Messages);
        foreach (var pair in Flags)
        {
            text.Append("; ").Append(pair.Key).Append(": ").Append(pair.Value);
        }

        return text.ToString();
    }
}

/// <summary>What opening a mailbox logged, and the state it showed.</summary>
internal sealed record OpenReport(IReadOnlyList<string> Problems, MailboxSnapshot Snapshot);
