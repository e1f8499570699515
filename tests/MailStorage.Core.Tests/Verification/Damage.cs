using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace MailStorage.Core.Tests.Verification;

/// <summary>Writes damage into a file in place (owner and mode stay, as when a disk or a client corrupts it).</summary>
internal static class Damage
{
    /// <summary>Overwrites a little-endian u32 at <paramref name="offset"/>.</summary>
    public static void WriteUInt32(string path, long offset, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Write(path, offset, bytes);
    }

    /// <summary>Overwrites a little-endian u16 at <paramref name="offset"/>.</summary>
    public static void WriteUInt16(string path, long offset, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        Write(path, offset, bytes);
    }

    /// <summary>Overwrites bytes at <paramref name="offset"/>.</summary>
    public static void Write(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write(bytes);
    }

    /// <summary>The little-endian u32 at <paramref name="offset"/>.</summary>
    public static uint ReadUInt32(string path, long offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(path).AsSpan((int)offset, 4));

    /// <summary>Appends bytes.</summary>
    public static void Append(string path, params byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
        stream.Write(bytes);
    }

    /// <summary>Cuts the file to <paramref name="length"/> bytes.</summary>
    public static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    /// <summary>Rewrites a text file's lines (each ends with LF).</summary>
    public static void EditLines(string path, Action<List<string>> edit)
    {
        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        edit(lines);
        using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write);
        stream.Write(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
    }

    /// <summary>Byte offset of the start of 1-based line <paramref name="line"/>.</summary>
    public static long LineOffset(string path, int line)
    {
        byte[] data = File.ReadAllBytes(path);
        long offset = 0;
        for (int i = 1; i < line; i++)
        {
            offset = Array.IndexOf(data, (byte)'\n', (int)offset) + 1;
        }

        return offset;
    }
}
