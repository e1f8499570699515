using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MailStorage.Core.Tests.TestBeds;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// A Maildir built by real Dovecot, shared by the index reader tests: one message saved by doveadm, five dropped
/// into new/ and given UIDs by <c>doveadm fetch</c> (run twice, with mail_cache_fields set so the cache fills),
/// then keywords added with <c>doveadm flags add</c>. What doveadm reports is kept for comparison.
/// </summary>
public sealed class RealMaildir : IDisposable
{
    public const string CacheFields = "flags date.received size.virtual hdr.subject";
    public const string FetchFields = "uid flags date.received.unixtime size.virtual hdr.subject";

    private readonly DovecotMailbox? mailbox;

    public RealMaildir()
    {
        Missing = DovecotMailbox.Missing();
        if (Missing != null)
        {
            return;
        }

        mailbox = DovecotMailbox.Create(1);
        for (int i = 1; i <= 5; i++)
        {
            mailbox.DeliverToNew("dropped " + i + (i == 3 ? " with a rather long subject that goes on and on" : string.Empty));
        }

        for (int pass = 0; pass < 2; pass++)
        {
            Must("-o", "mail_cache_fields=" + CacheFields, "fetch", FetchFields, "mailbox", "INBOX", "all");
        }

        Must("flags", "add", "$Label1 Custom2", "mailbox", "INBOX", "uid", "2");
        Must("flags", "add", "$Label1", "mailbox", "INBOX", "uid", "4");
        Messages = Parse(Must("-o", "mail_cache_fields=" + CacheFields, "fetch", FetchFields, "mailbox", "INBOX", "all"));
        string status = Must("mailbox", "status", "uidvalidity uidnext", "INBOX");
        foreach (string token in status.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith("uidvalidity=", StringComparison.Ordinal))
            {
                UidValidity = uint.Parse(token.AsSpan(12), CultureInfo.InvariantCulture);
            }
            else if (token.StartsWith("uidnext=", StringComparison.Ordinal))
            {
                UidNext = uint.Parse(token.AsSpan(8), CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Why no Dovecot is available, or null.</summary>
    public string? Missing { get; }

    public string Maildir => mailbox!.Maildir;

    public uint UidValidity { get; }

    public uint UidNext { get; }

    /// <summary>doveadm fetch output, one dictionary per message (field name → value).</summary>
    public IReadOnlyList<Dictionary<string, string>> Messages { get; } = [];

    public void Dispose() => mailbox?.Dispose();

    private string Must(params string[] arguments)
    {
        var run = mailbox!.Doveadm(arguments);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException("doveadm " + string.Join(' ', arguments) + ": " + run);
        }

        return run.Output;
    }

    private static List<Dictionary<string, string>> Parse(string output)
    {
        var messages = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (string line in output.Split('\n'))
        {
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            string key = colon < 0 ? line.TrimEnd(':') : line[..colon];
            string value = colon < 0 ? string.Empty : line[(colon + 2)..];
            if (key.Length == 0)
            {
                continue;
            }

            if (key == "uid")
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                messages.Add(current);
            }

            if (current != null)
            {
                current[key] = value;
            }
        }

        return messages;
    }
}
