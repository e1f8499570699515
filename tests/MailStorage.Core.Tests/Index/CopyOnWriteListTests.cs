using System;
using System.Collections.Generic;
using System.Linq;
using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

/// <summary>CopyOnWriteList against List: random appends, replacements, removals and shares; a shared list never changes.</summary>
public sealed class CopyOnWriteListTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Behaves_as_a_list_and_a_shared_copy_keeps_its_content(int seed)
    {
        var random = new Random(seed);
        var list = new CopyOnWriteList<Item>();
        var expected = new List<Item>();
        var snapshots = new List<(CopyOnWriteList<Item> List, Item[] Content)>();
        uint uid = 0;
        for (int step = 0; step < 3000; step++)
        {
            int what = random.Next(100);
            if (what < 70)
            {
                int n = random.Next(1, what < 5 ? 9000 : 20);
                for (int i = 0; i < n; i++)
                {
                    var message = new Item(++uid, false);
                    list.Add(message);
                    expected.Add(message);
                }
            }
            else if (what < 85 && expected.Count > 0)
            {
                int at = random.Next(expected.Count);
                var message = new Item(expected[at].Uid, true);
                list[at] = message;
                expected[at] = message;
            }
            else if (what < 92 && expected.Count > 0)
            {
                int at = random.Next(expected.Count);
                int n = random.Next(1, Math.Min(expected.Count - at, 6000) + 1);
                list.RemoveRange(at, n);
                expected.RemoveRange(at, n);
            }
            else
            {
                snapshots.Add((list, expected.ToArray()));
                list = list.Share();
            }

            if (step % 97 == 0)
            {
                Assert.Equal(expected, list);
                Assert.Equal(expected.Count, list.Count);
            }
        }

        Assert.Equal(expected, list);
        Assert.Equal(expected.Count == 0 ? null : expected[^1], expected.Count == 0 ? null : list[^1]);
        foreach (var (shared, content) in snapshots)
        {
            Assert.Equal(content, shared);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => list[list.Count]);
    }

    /// <summary>A reference item: the list compares them by reference, as it shares them.</summary>
    private sealed class Item(uint uid, bool seen)
    {
        public uint Uid { get; } = uid;

        public bool Seen { get; } = seen;
    }
}
