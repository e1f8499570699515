using System;

namespace MailStorage.ConfigAnalyzer.Syntax;

/// <summary>Where something stands in a configuration file: file path as given or included, 1-based line and column.</summary>
public readonly struct SourceLocation : IEquatable<SourceLocation>
{
    /// <summary>Creates a location.</summary>
    public SourceLocation(string file, int line, int column)
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>The file path, spelled the way doveconf spells it (as given, or as the include resolved it).</summary>
    public string File { get; }

    /// <summary>1-based line number; for a continued line, the line where the logical line ends (as doveconf counts).</summary>
    public int Line { get; }

    /// <summary>1-based column of the token on that line.</summary>
    public int Column { get; }

    /// <inheritdoc />
    public bool Equals(SourceLocation other) => File == other.File && Line == other.Line && Column == other.Column;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SourceLocation other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => ((File?.GetHashCode() ?? 0) * 397) ^ (Line * 31) ^ Column;

    /// <summary>Equality.</summary>
    public static bool operator ==(SourceLocation left, SourceLocation right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SourceLocation left, SourceLocation right) => !left.Equals(right);

    /// <summary><c>file:line</c>, the form doveconf uses for section starts and filters.</summary>
    public override string ToString() => File + ":" + Line;
}
