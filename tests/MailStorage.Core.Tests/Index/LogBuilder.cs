using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MailStorage.Core.Index;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// Writes a transaction log the way Dovecot lays it out (40-byte header, records with offset-encoded sizes padded
/// to 4), so a test can hold exactly the records a defect needs. Each Add returns the record's offset.
/// </summary>
internal sealed class LogBuilder
{
    private readonly List<byte> data = new();

    public LogBuilder(uint indexId = 1700000000, uint fileSeq = 1, ulong initialModseq = 1)
    {
        var header = new byte[40];
        header[0] = 1;
        header[1] = 3;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 40);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), indexId);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), fileSeq);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), indexId);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), initialModseq);
        header[32] = 1;
        data.AddRange(header);
    }

    public long Add(TransactionLogRecordType type, params byte[][] parts)
    {
        byte[] payload = parts.SelectMany(p => p).ToArray();
        int size = 8 + ((payload.Length + 3) & ~3);
        long offset = data.Count;
        data.AddRange(IndexFormatTests.Encode((uint)size));
        data.AddRange(U32((uint)type));
        data.AddRange(payload);
        data.AddRange(new byte[size - 8 - payload.Length]);
        return offset;
    }

    public long Append(params uint[] uids) => Add(TransactionLogRecordType.Append | TransactionLogRecordType.External, uids.Select(u => U32(u).Concat(new byte[4]).ToArray()).ToArray());

    public long ExpungeExternal(uint uid1, uint uid2) =>
        Add(TransactionLogRecordType.Expunge | TransactionLogRecordType.ExpungeProtection | TransactionLogRecordType.External, U32(uid1), U32(uid2));

    public long FlagUpdate(uint uid1, uint uid2, MailIndexFlags add, MailIndexFlags remove = MailIndexFlags.None) =>
        Add(TransactionLogRecordType.FlagUpdate | TransactionLogRecordType.External, U32(uid1), U32(uid2), new[] { (byte)add, (byte)remove, (byte)0, (byte)0 });

    /// <summary>An introduction of a new extension, by name.</summary>
    public long IntroNew(string name, uint hdrSize, ushort recordSize, ushort recordAlign, uint resetId = 0) =>
        Add(TransactionLogRecordType.ExtIntro | TransactionLogRecordType.External, Intro(uint.MaxValue, resetId, hdrSize, recordSize, recordAlign, 0, name));

    /// <summary>An introduction of a known extension, by its id in the map.</summary>
    public long IntroId(uint id, uint hdrSize, ushort recordSize, ushort recordAlign, bool noShrink = true, uint resetId = 0) =>
        Add(TransactionLogRecordType.ExtIntro | TransactionLogRecordType.External, Intro(id, resetId, hdrSize, recordSize, recordAlign, noShrink ? (ushort)1 : (ushort)0, string.Empty));

    public long ExtReset(uint newResetId, bool preserve = false) =>
        Add(TransactionLogRecordType.ExtReset | TransactionLogRecordType.External, U32(newResetId), new[] { preserve ? (byte)1 : (byte)0, (byte)0, (byte)0, (byte)0 });

    public long ExtHeader(ushort offset, byte[] bytes)
    {
        var head = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(head, offset);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(2), (ushort)bytes.Length);
        return Add(TransactionLogRecordType.ExtHdrUpdate | TransactionLogRecordType.External, head, bytes, new byte[((bytes.Length + 3) & ~3) - bytes.Length]);
    }

    /// <summary>Record updates: each is the uid followed by the field, padded to 4.</summary>
    public long ExtRecords(params (uint Uid, byte[] Field)[] updates) =>
        Add(TransactionLogRecordType.ExtRecUpdate | TransactionLogRecordType.External, updates.Select(u => U32(u.Uid).Concat(u.Field).Concat(new byte[((u.Field.Length + 3) & ~3) - u.Field.Length]).ToArray()).ToArray());

    public long AtomicInc(uint uid, int diff) => Add(TransactionLogRecordType.ExtAtomicInc | TransactionLogRecordType.External, U32(uid), U32((uint)diff));

    public long HeaderUpdate(ushort offset, byte[] bytes)
    {
        var head = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(head, offset);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(2), (ushort)bytes.Length);
        return Add(TransactionLogRecordType.HeaderUpdate | TransactionLogRecordType.External, head, bytes, new byte[((bytes.Length + 3) & ~3) - bytes.Length]);
    }

    public long KeywordAdd(string name, uint uid1, uint uid2)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        var head = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(2), (ushort)bytes.Length);
        return Add(TransactionLogRecordType.KeywordUpdate | TransactionLogRecordType.External, head, bytes, new byte[((bytes.Length + 3) & ~3) - bytes.Length], U32(uid1), U32(uid2));
    }

    public TransactionLogFile Parse(string file = "dovecot.list.index.log") => TransactionLogFile.Parse(data.ToArray(), file);

    public byte[] ToArray() => data.ToArray();

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>The list extension's header: refresh flag, then {id, name NUL} pairs, then id 0.</summary>
    public static byte[] ListNames(params (uint Id, string Name)[] names)
    {
        var bytes = new List<byte> { 0 };
        foreach (var (id, name) in names)
        {
            bytes.AddRange(U32(id));
            bytes.AddRange(Encoding.UTF8.GetBytes(name));
            bytes.Add(0);
        }

        bytes.AddRange(U32(0));
        return bytes.ToArray();
    }

    /// <summary>struct mailbox_list_index_record: name_id, parent_uid, guid[16], uid_validity.</summary>
    public static byte[] ListRecord(uint nameId, uint parentUid, byte guidByte = 0, uint uidValidity = 0)
    {
        var field = new byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(field, nameId);
        BinaryPrimitives.WriteUInt32LittleEndian(field.AsSpan(4), parentUid);
        if (guidByte != 0)
        {
            field.AsSpan(8, 16).Fill(guidByte);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(field.AsSpan(24), uidValidity);
        return field;
    }

    private static byte[] Intro(uint id, uint resetId, uint hdrSize, ushort recordSize, ushort recordAlign, ushort flags, string name)
    {
        byte[] nameBytes = Encoding.ASCII.GetBytes(name);
        var intro = new byte[(20 + nameBytes.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt32LittleEndian(intro, id);
        BinaryPrimitives.WriteUInt32LittleEndian(intro.AsSpan(4), resetId);
        BinaryPrimitives.WriteUInt32LittleEndian(intro.AsSpan(8), hdrSize);
        BinaryPrimitives.WriteUInt16LittleEndian(intro.AsSpan(12), recordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(intro.AsSpan(14), recordAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(intro.AsSpan(16), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(intro.AsSpan(18), (ushort)nameBytes.Length);
        nameBytes.CopyTo(intro, 20);
        return intro;
    }
}
