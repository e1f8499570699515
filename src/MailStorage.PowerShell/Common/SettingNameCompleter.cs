using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MailStorage.ConfigAnalyzer.Settings;

namespace MailStorage.PowerShell.Common;

/// <summary>Completes -Name with Dovecot's setting names: the schema's, and the keys the -Path file sets (plugin keys too).</summary>
public sealed class SettingNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = CompletionWords.Unquote(wordToComplete);
        var names = new SortedSet<string>(SettingsSchema.Dovecot23.Root.Settings.Keys, StringComparer.Ordinal);
        if (CompletionWords.ReadConfig(fakeBoundParameters, "Path") is { } config)
        {
            foreach (FilterBlock block in config.Blocks)
            {
                Collect(block.Root, names);
            }
        }

        return CompletionWords.Matching(names, word);
    }

    private static void Collect(SettingsNode node, SortedSet<string> names)
    {
        foreach (SettingValue value in node.Values)
        {
            names.Add(value.Name);
        }

        foreach (SettingsNode child in node.Children)
        {
            Collect(child, names);
        }
    }
}
