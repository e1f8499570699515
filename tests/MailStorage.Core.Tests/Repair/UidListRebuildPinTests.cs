using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using MailStorage.Core.Repair;
using Xunit;

namespace MailStorage.Core.Tests.Repair;

/// <summary>
/// Pins the whole outcome of the uidlist rebuild (the exact bytes written, the changes reported, before and after)
/// for damaged inputs of every kind the parser tells apart, so that a change in how the uidlist is parsed cannot
/// change a rebuilt file unseen. The snapshot, UidListRebuildPinned.txt beside this file, was written by the rebuild
/// as it was before its parser was shared with Index/UidList (set MAILSTORAGE_PIN_WRITE=1 to write it again, on
/// purpose only).
/// </summary>
public sealed class UidListRebuildPinTests
{
    private const string Guid = "0123456789abcdef0123456789abcdef";
    private const string H = "3 V7 N5 G" + Guid + "\n";
    private const string L1 = "1 :100.M1P1.host,S=10,W=12\n";
    private const string L2 = "2 :200.M2P2.host,S=20,W=22\n";
    private const string L3 = "3 :300.M3P3.host,S=30,W=33\n";
    private const string L4 = "4 :400.M4P4.host,W=44\n";
    private static readonly string[] Files = { "100.M1P1.host,S=10,W=12:2,S", "200.M2P2.host,S=20,W=22:2,", "300.M3P3.host,S=30,W=33", "400.M4P4.host,W=44:2,F", ".hidden" };

    private static IEnumerable<(string Name, byte[]? Content, uint[] IndexUids, uint IndexNextUid, uint IndexUidValidity, Dictionary<uint, ulong> Sizes)> Cases()
    {
        uint[] all = { 1, 2, 3, 4 };
        var none = new Dictionary<uint, ulong>();
        (string, byte[]?, uint[], uint, uint, Dictionary<uint, ulong>) C(string name, string text, uint[]? uids = null, uint next = 0, uint validity = 7, Dictionary<uint, ulong>? sizes = null) =>
            (name, Encoding.UTF8.GetBytes(text), uids ?? all, next, validity, sizes ?? none);

        yield return C("sound", H + L1 + L2 + L3 + L4);
        yield return ("missing", null, all, 0, 7, none);
        yield return C("empty", string.Empty);
        yield return C("header only", H);
        yield return C("garbage line", H + L1 + "this is not a uidlist line\n" + L2 + L3 + L4);
        yield return C("duplicate uid", H + L1 + L2 + "2 :300.M3P3.host,S=30,W=33\n" + L4);
        yield return C("duplicate uid sizes", H + L1 + "1 :200.M2P2.host,S=20,W=22\n" + L3 + L4, sizes: new() { [1] = 12, [2] = 22, [3] = 33 });
        yield return C("duplicate uid size says other", H + L1 + "1 :200.M2P2.host,S=20,W=22\n" + L3 + L4, sizes: new() { [1] = 22 });
        yield return C("duplicate uid holder gone", H + "2 :gone.M9P9.host\n" + L1 + L2 + L3 + L4);
        yield return C("duplicate line", H + L1 + L2 + L2 + L3 + L4);
        yield return C("same file two uids", H + L1 + L2 + "6 :200.M2P2.host,S=20,W=22\n" + L3 + L4);
        yield return C("out of order", H + L2 + L1 + L3 + L4);
        yield return C("next uid too low", "3 V7 N2 G" + Guid + "\n" + L1 + L2 + L3, next: 6);
        yield return C("header broken", "3 Vx N5 Gzz\n" + L1 + L2 + L3 + L4);
        yield return C("header zero", "3 V0 N0\n" + L1 + L2 + L3 + L4, validity: 9);
        yield return C("header spaces and extensions", "3  V7   N5 Pabc Xq #bad 9ok x\u0001y G" + Guid + " \n" + L1 + L2 + L3 + L4);
        yield return C("header repeated fields", "3 V7 V8 N5 N1 Vbad\n" + L1 + L2 + L3 + L4);
        yield return C("header index validity differs", H + L1 + L2 + L3 + L4, validity: 99);
        yield return C("truncated mid line", H + L1 + L2 + L3 + "4 :400.M4P4.h");
        yield return C("truncated whole line", H + L1 + L2 + L3 + "4 :400.M4P4.host,W=44");
        yield return C("truncated ambiguous", H + L1 + L2 + "3 :");
        yield return C("truncated unknown uid", H + L1 + L2 + "9 :300.M3");
        yield return C("truncated garbage", H + L1 + L2 + L3 + L4 + "5 ");
        yield return C("version 1", "1 7 5\n1 100.M1P1.host,S=10,W=12\n2 200.M2P2.host,S=20,W=22\n3 W33 :300.M3P3.host,S=30,W=33\n");
        yield return C("version 1 broken", "1 x\n1 100.M1P1.host,S=10,W=12\n");
        yield return C("version 2", "2 V7 N5\n1 W12 :100.M1P1.host,S=10,W=12\n" + L2);
        yield return C("version 9", "9 V7 N5 G" + Guid + "\n" + L1);
        yield return C("no header, record first", L1 + L2 + L3, next: 9, validity: 99);
        yield return C("no header, garbage first", "garbage\n" + L1 + L2);
        yield return C("header with colon", "3 V7 N5 :x\n" + L1 + L2);
        yield return C("header digit no space", "3V7 N5\n" + L1);
        yield return C("extensions", H + "1 W12 GABCDEF :100.M1P1.host,S=10,W=12\n2 w22 :200.M2P2.host,S=20,W=22\n3   W33   :300.M3P3.host,S=30,W=33\n4 W44 400.M4P4.host,W=44\n");
        yield return C("no colon v3", H + "1 100.M1P1.host,S=10,W=12\n" + L2);
        yield return C("extension only", H + L1 + "2 W22 :\n2 x\n2 \n");
        yield return C("bad names", H + L1 + "2 :a/b\n3 :ctl\u0007x\n4 :tab\tx\n");
        yield return C("bad uids", H + "0 :x\nabc :y\n5:z\n 1 :lead\n4294967295 :max\n99999999999999999999999 :huge\n4294967294 :400.M4P4.host,W=44\n" + L1);
        yield return C("crlf", H.Replace("\n", "\r\n", StringComparison.Ordinal) + L1.Replace("\n", "\r\n", StringComparison.Ordinal) + L2);
        yield return C("gone file kept", "3 V7 N9 G" + Guid + "\n" + L1 + "7 :gone.M7P7.host\n" + L2, uids: new uint[] { 1, 2, 7 });
        yield return C("file with flags in line", H + "1 :100.M1P1.host,S=10,W=12:2,S\n" + L2);
        yield return C("unicode", H + L1 + "2 :d\u00e9j\u00e0.M2P2.host\n");

        byte[] invalidUtf8 = Encoding.UTF8.GetBytes(H + L1 + "2 :bad").Concat(new byte[] { 0xff, 0xfe, 0xc3 }).Concat(Encoding.UTF8.GetBytes(".name\n3 \xff:x\n")).Concat(new byte[] { (byte)'5', (byte)' ', (byte)':', 0xe2, 0x82, (byte)'\n', 0xe2, 0x82 }).ToArray();
        yield return ("invalid utf-8", invalidUtf8, all, 0, 7, none);
        byte[] nul = Encoding.UTF8.GetBytes(H + L1 + "2 :nul\0name\n\0\0\0\0\n" + L3);
        yield return ("nul bytes", nul, all, 0, 7, none);
    }

    [Fact]
    public void Rebuilt_files_are_byte_for_byte_as_pinned()
    {
        var report = new StringBuilder();
        foreach (var c in Cases())
        {
            report.Append("## ").Append(c.Name).Append('\n');
            try
            {
                var outcome = UidListRebuild.Rebuild(
                    new UidListRebuild.Input(c.Content, c.IndexUidValidity, c.IndexNextUid, c.IndexUids.ToHashSet(), Files, c.Sizes),
                    "/x/dovecot-uidlist");
                report.Append("content ").Append(Convert.ToHexString(outcome.Content)).Append('\n');
                report.Append("text ").Append(Escape(Encoding.UTF8.GetString(outcome.Content))).Append('\n');
                report.Append("changed ").Append(outcome.Changed).Append(" uidvalidity ").Append(outcome.UidValidity)
                    .Append(" next ").Append(outcome.NextUid).Append(" records ").Append(outcome.Records).Append('\n');
                report.Append("before ").Append(outcome.Before).Append('\n');
                report.Append("after ").Append(outcome.After).Append('\n');
                foreach (string change in outcome.Changes)
                {
                    report.Append("change ").Append(Escape(change)).Append('\n');
                }
            }
            catch (RepairRefusedException refused)
            {
                report.Append("refused ").Append(refused.Refusal).Append(": ").Append(Escape(refused.Message)).Append('\n');
            }
        }

        string snapshot = SnapshotPath();
        if (Environment.GetEnvironmentVariable("MAILSTORAGE_PIN_WRITE") == "1")
        {
            File.WriteAllText(snapshot, report.ToString());
        }

        Assert.Equal(File.ReadAllText(snapshot), report.ToString());
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (char ch in text)
        {
            escaped.Append(ch switch
            {
                '\n' => "\\n",
                '\\' => "\\\\",
                _ when char.IsControl(ch) || ch > '~' => "\\u" + ((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
                _ => ch.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static string SnapshotPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "UidListRebuildPinned.txt");
}
