using System.Collections.Generic;

namespace MailStorage.Core.Index;

/// <summary>
/// A uidlist taken apart line by line for a repair (<see cref="UidList.Salvage"/>): the header if line 1 is one, and
/// every other line with its raw bytes, parsed as a record where it is one in shape, with why not where it is not.
/// </summary>
/// <param name="Header">The header; null when line 1 is not one (or the file is empty).</param>
/// <param name="FirstLine">Line 1 as text; null for an empty file.</param>
/// <param name="Lines">The lines after the header (from line 1 when there is none), in file order.</param>
internal sealed record UidListSalvage(UidListHeader? Header, string? FirstLine, IReadOnlyList<UidListSalvage.Line> Lines)
{
    /// <summary>One line.</summary>
    /// <param name="Number">1-based line number.</param>
    /// <param name="Offset">Byte offset of the line in the file.</param>
    /// <param name="Raw">The line's bytes, without its LF.</param>
    /// <param name="Text">The line decoded as UTF-8.</param>
    /// <param name="Terminated">False for a last line without its LF (a write cut short).</param>
    /// <param name="Record">The record, or null when the line is none.</param>
    /// <param name="Unparsed">Why the line is no record; null when it is one.</param>
    /// <param name="InvalidExtensions">Extension fields that do not start with A-Z, left out of the record.</param>
    internal sealed record Line(int Number, long Offset, byte[] Raw, string Text, bool Terminated, UidListRecord? Record, string? Unparsed, IReadOnlyList<string> InvalidExtensions);
}
