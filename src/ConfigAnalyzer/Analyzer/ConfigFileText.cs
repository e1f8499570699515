using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MailStorage.ConfigAnalyzer.Analyzer;

/// <summary>
/// The text of the configuration files of one analysis, for turning a 1-based line and column into a
/// <see cref="Location"/>: an AdditionalFile's text as the compiler has it, any other file (an include) from disk,
/// as ConfigReader reads it (see the RS1035 suppression in DovecotConfigAnalyzer.cs).
/// </summary>
internal sealed class ConfigFileText
{
    private readonly Dictionary<string, SourceText?> texts = new Dictionary<string, SourceText?>(StringComparer.Ordinal);
    private readonly CancellationToken cancellationToken;

    public ConfigFileText(IEnumerable<AdditionalText> additionalFiles, CancellationToken cancellationToken)
    {
        this.cancellationToken = cancellationToken;
        foreach (var file in additionalFiles)
        {
            if (!texts.ContainsKey(file.Path))
            {
                texts[file.Path] = file.GetText(cancellationToken);
            }
        }
    }

    /// <summary>The location of <paramref name="line"/>:<paramref name="column"/> (1-based) in <paramref name="path"/>, to the end of that line.</summary>
    public Location LocationOf(string path, int line, int column)
    {
        var text = TextOf(path);
        if (text == null || line < 1 || text.Lines.Count == 0)
        {
            // Unknown file or no line (a file that cannot be opened): the start of the file.
            return Location.Create(path, default, new LinePositionSpan(default, default));
        }

        var textLine = text.Lines[Math.Min(line, text.Lines.Count) - 1];
        int start = textLine.Start + Math.Min(Math.Max(column, 1) - 1, textLine.Span.Length);
        var span = TextSpan.FromBounds(start, textLine.End);
        return Location.Create(path, span, text.Lines.GetLinePositionSpan(span));
    }

    private SourceText? TextOf(string path)
    {
        if (texts.TryGetValue(path, out var known))
        {
            return known;
        }

        cancellationToken.ThrowIfCancellationRequested();
        SourceText? text;
        try
        {
            text = SourceText.From(File.ReadAllText(path, Encoding.UTF8));
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
        {
            text = null;
        }

        texts[path] = text;
        return text;
    }
}
