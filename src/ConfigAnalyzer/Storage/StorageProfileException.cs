using System;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>A storage profile that cannot be used, with the file, line and column at fault.</summary>
public sealed class StorageProfileException : Exception
{
    /// <summary>Creates the error.</summary>
    public StorageProfileException(string message, SourceLocation location)
        : base(location.File + ":" + location.Line + ":" + location.Column + ": " + message)
    {
        Location = location;
        Reason = message;
    }

    /// <summary>Creates the error without a location.</summary>
    public StorageProfileException()
    {
        Reason = string.Empty;
    }

    /// <summary>Creates the error without a location.</summary>
    public StorageProfileException(string message)
        : base(message)
    {
        Reason = message;
    }

    /// <summary>Creates the error without a location.</summary>
    public StorageProfileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Where the problem is.</summary>
    public SourceLocation Location { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }
}
