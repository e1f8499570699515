using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using MailStorage.Core.Verification;
using Xunit;
using Xunit.Abstractions;

namespace MailStorage.Core.Tests.Verification;

/// <summary>
/// 1,500 mutations of the bed's real dovecot.index, .log, .cache, dovecot-uidlist and dovecot-keywords (bit flips,
/// header fields set to 0 or huge values, truncations, appended garbage, uidlist lines dropped, doubled, swapped or
/// scrambled), one to three files at a time: the verifier never throws, each case ends quickly, and it gives the same
/// answer twice.
/// </summary>
public sealed class VerifierFuzzTests : IClassFixture<DamageBed>
{
    private const int Cases = 1500;
    private static readonly string[] Files = { "dovecot.index", "dovecot.index.log", "dovecot.index.cache", "dovecot-uidlist", "dovecot-keywords" };
    private readonly DamageBed bed;
    private readonly ITestOutputHelper output;

    public VerifierFuzzTests(DamageBed bed, ITestOutputHelper output)
    {
        this.bed = bed;
        this.output = output;
    }

    [Fact]
    public void Mutated_files_never_crash_or_hang_the_verifier()
    {
        using var copy = bed.Copy();
        var pristine = Files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(copy.Dir, f)), StringComparer.Ordinal);
        Assert.Empty(copy.Verify());

        var random = new Random(7);
        var byKind = new Dictionary<IndexDamageKind, int>();
        TimeSpan slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        for (int n = 0; n < Cases; n++)
        {
            var mutated = new Dictionary<string, byte[]>(pristine, StringComparer.Ordinal);
            int files = 1 + random.Next(3);
            for (int i = 0; i < files; i++)
            {
                string file = Files[random.Next(Files.Length)];
                mutated[file] = file.StartsWith("dovecot-", StringComparison.Ordinal) && random.Next(2) == 0
                    ? MutateLines(mutated[file], random)
                    : MutateBytes(mutated[file], random);
            }

            foreach (var (file, bytes) in mutated)
            {
                File.WriteAllBytes(Path.Combine(copy.Dir, file), bytes);
            }

            var watch = Stopwatch.StartNew();
            IReadOnlyList<IndexDamage> first;
            IReadOnlyList<IndexDamage> second;
            try
            {
                first = copy.Verify();
                second = copy.Verify();
            }
            catch (Exception e)
            {
                string saved = Path.Combine(Path.GetTempPath(), "mailstorage-verify-fuzz-" + n);
                Directory.CreateDirectory(saved);
                foreach (var (file, bytes) in mutated)
                {
                    File.WriteAllBytes(Path.Combine(saved, file), bytes);
                }

                throw new Xunit.Sdk.XunitException("case " + n + " threw (files saved in " + saved + "): " + e);
            }

            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "case " + n + " took " + watch.Elapsed);
            Assert.Equal(first, second);
            foreach (IndexDamage damage in first)
            {
                Assert.False(string.IsNullOrWhiteSpace(damage.Message));
                Assert.StartsWith(copy.Dir, damage.File, StringComparison.Ordinal);
                byKind[damage.Code] = byKind.GetValueOrDefault(damage.Code) + 1;
            }
        }

        output.WriteLine(Cases + " cases in " + total.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s, slowest " + slowest.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " ms (two verifications)");
        foreach (var (kind, count) in byKind.OrderByDescending(k => k.Value))
        {
            output.WriteLine(count.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(6) + " " + kind);
        }

        // The mutations reach well into every file's checks, not only the first one.
        Assert.True(byKind.Count >= 25, "only " + byKind.Count + " kinds of damage were found");
    }

    private static byte[] MutateBytes(byte[] original, Random random)
    {
        byte[] data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                for (int i = 0, flips = 1 + random.Next(8); i < flips && data.Length > 0; i++)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 1:
                // A header field (the first 128 bytes hold every file's header): 0, 1, a huge value or all ones.
                if (data.Length >= 4)
                {
                    int at = random.Next(Math.Min(data.Length, 128) / 4) * 4;
                    uint[] values = { 0, 1, 0x7fffffff, uint.MaxValue, (uint)random.Next() };
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), values[random.Next(values.Length)]);
                }

                return data;
            case 2:
                return data.AsSpan(0, random.Next(data.Length + 1)).ToArray();
            case 3:
            {
                var longer = new byte[data.Length + 1 + random.Next(64)];
                data.CopyTo(longer, 0);
                random.NextBytes(longer.AsSpan(data.Length));
                return longer;
            }

            case 4:
                // A whole aligned word of random bytes anywhere (a record size, an offset, a UID).
                if (data.Length >= 4)
                {
                    random.NextBytes(data.AsSpan(random.Next(data.Length / 4) * 4, 4));
                }

                return data;
            default:
                return Array.Empty<byte>();
        }
    }

    private static byte[] MutateLines(byte[] original, Random random)
    {
        var lines = Encoding.UTF8.GetString(original).Split('\n').ToList();
        if (lines.Count < 2)
        {
            return MutateBytes(original, random);
        }

        int a = random.Next(lines.Count);
        int b = random.Next(lines.Count);
        switch (random.Next(5))
        {
            case 0:
                lines.RemoveAt(a);
                break;
            case 1:
                lines.Insert(b, lines[a]);
                break;
            case 2:
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            case 3:
                lines[a] = new string(lines[a].OrderBy(_ => random.Next()).ToArray());
                break;
            default:
                lines[a] = lines[a].Replace(' ', random.Next(2) == 0 ? ':' : '/');
                break;
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }
}
