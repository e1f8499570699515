using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.PowerShell.Common;

/// <summary>Completes -User with the users of the -ConfigPath configuration's passwd-file userdb or passdb, when it has one.</summary>
public sealed class PasswdFileUserCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        DovecotConfig? config = CompletionWords.ReadConfig(fakeBoundParameters, "ConfigPath");
        return config == null ? Enumerable.Empty<CompletionResult>() : CompletionWords.Matching(PasswdFileUsers.Names(config), CompletionWords.Unquote(wordToComplete));
    }
}
