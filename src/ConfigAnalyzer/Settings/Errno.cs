using System;
using System.IO;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>strerror-style wording for file errors, so messages read like doveconf's <c>%m</c>.</summary>
internal static class Errno
{
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException _ => "No such file or directory",
        DirectoryNotFoundException _ => "No such file or directory",
        UnauthorizedAccessException _ => "Permission denied",
        PathTooLongException _ => "File name too long",
        IOException io when io.Message.IndexOf("directory", StringComparison.OrdinalIgnoreCase) >= 0 => "Is a directory",
        _ => e.Message,
    };
}
