using System;
using System.Text;
using MailStorage.Core.Interop;

namespace MailStorage.Core.Locking;

/// <summary>This process as Dovecot names it in dotlocks: its pid and the host name.</summary>
internal static class LocalHost
{
    private static string? name;
    private static (string Host, byte[] Bytes)? content;

    /// <summary><c>DOVECOT_HOSTNAME</c> when set (as Dovecot honours it), else gethostname().</summary>
    public static string Name => name ??= Environment.GetEnvironmentVariable("DOVECOT_HOSTNAME") is { Length: > 0 } fromEnvironment ? fromEnvironment : Libc.gethostname();

    /// <summary>This process's id.</summary>
    public static int Pid { get; } = Environment.ProcessId;

    /// <summary>A dotlock's content, <c>pid:hostname</c> without a newline, as bytes (kept for the last host name asked).</summary>
    public static byte[] DotlockContent(string host)
    {
        var cached = content;
        if (cached is { } hit && string.Equals(hit.Host, host, StringComparison.Ordinal))
        {
            return hit.Bytes;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + host);
        content = (host, bytes);
        return bytes;
    }
}
