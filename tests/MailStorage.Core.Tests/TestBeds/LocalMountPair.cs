using System;
using System.Collections.Generic;
using System.IO;

namespace MailStorage.Core.Tests.TestBeds;

/// <summary>
/// Two views of one folder on this host, made for a test and removed by Dispose: a tmpfs and a bind mount of it
/// (the same inodes: everything coherent), bindfs without lock forwarding (a FUSE filesystem whose locks stay local),
/// or a read-only bind mount.
/// </summary>
internal sealed class LocalMountPair : IDisposable
{
    private readonly List<string> mounts = new();

    private LocalMountPair(string root)
    {
        Root = root;
        A = Path.Combine(root, "a");
        B = Path.Combine(root, "b");
        Directory.CreateDirectory(A);
        Directory.CreateDirectory(B);
    }

    /// <summary>The folder holding both views.</summary>
    public string Root { get; }

    /// <summary>The first view (Path).</summary>
    public string A { get; }

    /// <summary>The second view (PeerPath).</summary>
    public string B { get; }

    /// <summary>A tmpfs at A, bind-mounted at B.</summary>
    public static LocalMountPair TmpfsWithBind()
    {
        Require("mount", "umount");
        var pair = new LocalMountPair(NewRoot("tmpfs-bind"));
        try
        {
            pair.Mount(pair.A, "mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", pair.A);
            pair.Mount(pair.B, "mount", "--bind", pair.A, pair.B);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>A tmpfs at A and <c>bindfs A B</c> (default options: no lock forwarding).</summary>
    public static LocalMountPair TmpfsWithBindfs()
    {
        Require("mount", "umount", "bindfs", "/dev/fuse");
        var pair = new LocalMountPair(NewRoot("bindfs"));
        try
        {
            pair.Mount(pair.A, "mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", pair.A);
            pair.Mount(pair.B, "bindfs", pair.A, pair.B);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>A folder A and a read-only bind mount of it at B.</summary>
    public static LocalMountPair ReadOnlyBind()
    {
        Require("mount", "umount");
        var pair = new LocalMountPair(NewRoot("ro-bind"));
        try
        {
            File.WriteAllText(Path.Combine(pair.A, "existing.txt"), "keep me");
            pair.Mount(pair.B, "mount", "--bind", pair.A, pair.B);
            TestCommand.Must("mount", "-o", "remount,bind,ro", pair.B);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>Unmounts (last first) and removes the folders.</summary>
    public void Dispose()
    {
        for (int i = mounts.Count - 1; i >= 0; i--)
        {
            var (code, _) = TestCommand.Run("umount", new[] { mounts[i] }, TimeSpan.FromSeconds(20));
            if (code != 0)
            {
                TestCommand.Run("umount", new[] { "-l", mounts[i] }, TimeSpan.FromSeconds(20));
            }
        }

        mounts.Clear();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A mount that would not go away keeps its folder; the test reports the mount itself.
        }
    }

    private void Mount(string target, string program, params string[] arguments)
    {
        TestCommand.Must(program, arguments);
        mounts.Add(target);
    }

    private static string NewRoot(string kind)
    {
        string root = Path.Combine("/tmp", "mailstorage-probe-test-" + kind + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        return root;
    }

    private static void Require(params string[] tools)
    {
        string? missing = TestCommand.Missing(tools);
        if (missing != null)
        {
            throw new InvalidOperationException("Cannot build the test mounts" + (TestCommand.IsCi ? " (CI=true: this is a failure)" : string.Empty) + ": " + missing);
        }
    }
}
