using System;
using System.Buffers.Binary;

namespace MailStorage.Core.Index;

/// <summary>One record of an <see cref="IndexMap"/>: UID, flags and the extension fields written for it.</summary>
public sealed class IndexMapRecord
{
    private FieldData[] fields = [];

    internal IndexMapRecord(uint uid, MailIndexFlags flags, string file, long offset, IndexMap owner)
    {
        Uid = uid;
        Flags = flags;
        File = file;
        Offset = offset;
        Owner = owner;
    }

    /// <summary>
    /// The map that may change this record while it replays. A map continued from another shares the records it does
    /// not change and copies one before changing it, so the earlier map stays as it was.
    /// </summary>
    internal IndexMap Owner { get; }

    /// <summary>The UID.</summary>
    public uint Uid { get; }

    /// <summary>The flags byte.</summary>
    public MailIndexFlags Flags { get; internal set; }

    /// <summary>The file the record came from: the index file, or the log that appended it.</summary>
    public string File { get; }

    /// <summary>Where in <see cref="File"/>: the record's offset in an index file, or the offset of the append record.</summary>
    public long Offset { get; }

    /// <summary>
    /// The bytes of <paramref name="extension"/> written for this record, at most its record_size; bytes past the end
    /// of what is returned are zero (an empty span: never written, or cleared by a reset).
    /// </summary>
    public ReadOnlySpan<byte> Extension(IndexMapExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        byte[]? data = Field(extension.Id);
        return data == null ? ReadOnlySpan<byte>.Empty : data.AsSpan(0, Math.Min(data.Length, (int)extension.RecordSize));
    }

    /// <summary>Where <paramref name="extension"/>'s field was last written (file and offset), or this record's own place.</summary>
    public (string File, long Offset) ExtensionSource(IndexMapExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        FieldData field = extension.Id < fields.Length ? fields[extension.Id] : default;
        return field.File == null ? (File, Offset) : (field.File, field.Offset);
    }

    /// <summary>A little-endian u32 of <paramref name="extension"/>'s field at <paramref name="offset"/> (0 when not written).</summary>
    public uint ExtensionUInt32(IndexMapExtension extension, int offset)
    {
        ReadOnlySpan<byte> data = Extension(extension);
        Span<byte> value = stackalloc byte[4];
        value.Clear();
        if (offset >= 0 && offset < data.Length)
        {
            data.Slice(offset, Math.Min(4, data.Length - offset)).CopyTo(value);
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(value);
    }

    /// <summary>A little-endian u64 of <paramref name="extension"/>'s field at <paramref name="offset"/> (0 when not written).</summary>
    public ulong ExtensionUInt64(IndexMapExtension extension, int offset) =>
        ExtensionUInt32(extension, offset) | ((ulong)ExtensionUInt32(extension, offset + 4) << 32);

    internal byte[]? Field(int id) => id < fields.Length ? fields[id].Data : null;

    /// <summary>Whether a write or reset of field <paramref name="id"/> was ever recorded (SetField with null data is then not a no-op).</summary>
    internal bool HasSlot(int id) => id < fields.Length;

    internal void SetField(int id, byte[]? data, string file, long offset)
    {
        if (id >= fields.Length)
        {
            if (data == null)
            {
                return;
            }

            Array.Resize(ref fields, id + 1);
        }

        fields[id] = new FieldData(data, file, offset);
    }

    /// <summary>Keeps the field's source when only its size changes.</summary>
    internal void ResizeField(int id, int size)
    {
        byte[]? data = Field(id);
        if (data != null && data.Length > size)
        {
            fields[id] = fields[id] with { Data = data.AsSpan(0, size).ToArray() };
        }
    }

    /// <summary>A copy owned by <paramref name="owner"/>, with the same fields (their data is replaced, never changed in place).</summary>
    internal IndexMapRecord CopyFor(IndexMap owner) => new(Uid, Flags, File, Offset, owner) { fields = (FieldData[])fields.Clone() };

    private readonly record struct FieldData(byte[]? Data, string? File, long Offset);
}
