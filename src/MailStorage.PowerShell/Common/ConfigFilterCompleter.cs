using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// Completes -Filter with doveconf -f's keys (protocol=, local=, remote=, local_name=) and, after <c>protocol=</c>,
/// Dovecot's protocols and those the configuration's filters name (-ConfigPath, or -Path of Get-MailStorageConfig).
/// </summary>
public sealed class ConfigFilterCompleter : IArgumentCompleter
{
    private static readonly string[] Keys = { "protocol=", "local=", "remote=", "local_name=" };
    private static readonly string[] Protocols = { "imap", "pop3", "lmtp", "lda", "submission", "sieve", "doveadm" };

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = CompletionWords.Unquote(wordToComplete);
        if (!word.StartsWith("protocol=", StringComparison.OrdinalIgnoreCase))
        {
            return CompletionWords.Matching(Keys, word);
        }

        var protocols = new SortedSet<string>(Protocols, StringComparer.Ordinal);
        var config = CompletionWords.ReadConfig(fakeBoundParameters, "ConfigPath") ?? CompletionWords.ReadConfig(fakeBoundParameters, "Path");
        foreach (string configured in config?.FilterProtocols ?? Enumerable.Empty<string>())
        {
            protocols.Add(configured);
        }

        return CompletionWords.Matching(protocols.Select(p => "protocol=" + p), word);
    }
}
