using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Xunit;

namespace MailStorage.Core.Tests.TestBeds;

/// <summary>
/// A GlusterFS volume mounted twice (two FUSE clients, <see cref="MountA"/> and <see cref="MountB"/>), brought up once
/// for the <see cref="GlusterFsTestBed"/> by tests/testbeds/glusterfs.sh and always taken down again: in Dispose,
/// and on process exit if Dispose never ran.
/// </summary>
public sealed class GlusterFsFixture : IDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);
    private readonly string script;
    private int down;

    /// <summary>Brings the test bed up; a failure is kept and reported by every test that uses it.</summary>
    public GlusterFsFixture()
    {
        script = Path.Combine(TestCommand.RepositoryRoot, "tests", "testbeds", "glusterfs.sh");
        Base = Path.Combine("/tmp", "mailstorage-glusterfs-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..6]);
        Problem = TestCommand.Missing("glusterd", "gluster", "glusterfs", "nsenter", "unshare", "/dev/fuse");
        if (Problem != null)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        var started = DateTime.UtcNow;
        var (code, output) = Script("up", null);
        UpSeconds = (DateTime.UtcNow - started).TotalSeconds;
        UpOutput = output;
        if (code != 0)
        {
            Problem = "tests/testbeds/glusterfs.sh up failed (exit " + code + "):\n" + output;
        }
    }

    /// <summary>The base directory (unique per run).</summary>
    public string Base { get; }

    /// <summary>The first client's mount.</summary>
    public string MountA => Path.Combine(Base, "mnt", "A");

    /// <summary>The second client's mount.</summary>
    public string MountB => Path.Combine(Base, "mnt", "B");

    /// <summary>Why the test bed is not there, or null.</summary>
    public string? Problem { get; }

    /// <summary>How long up took.</summary>
    public double UpSeconds { get; }

    /// <summary>What up printed.</summary>
    public string UpOutput { get; } = string.Empty;

    /// <summary>Throws with the reason when the test bed is not up: a test on it must fail, never pass quietly.</summary>
    public void Require()
    {
        if (Problem != null)
        {
            throw new InvalidOperationException("The GlusterFS test bed is not available" + (TestCommand.IsCi ? " (CI=true: this is a failure)" : string.Empty) + ": " + Problem);
        }
    }

    /// <summary>Mounts both clients again: with the strict options (no client caching), or back to gluster's defaults.</summary>
    public void Remount(bool strict)
    {
        Require();
        var (code, output) = Script("remount", new Dictionary<string, string> { ["GLTB_STRICT"] = strict ? "1" : "0" });
        if (code != 0)
        {
            throw new InvalidOperationException("glusterfs.sh remount (strict=" + strict + ") failed (exit " + code + "): " + output);
        }
    }

    /// <summary>Takes the test bed down (once).</summary>
    public void Dispose()
    {
        TearDown();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    private void OnProcessExit(object? sender, EventArgs e) => TearDown();

    private void TearDown()
    {
        if (Interlocked.Exchange(ref down, 1) == 1 || !Directory.Exists(Base))
        {
            return;
        }

        var (code, output) = Script("down", null);
        if (code != 0)
        {
            Console.Error.WriteLine("glusterfs.sh down for " + Base + " failed (exit " + code + "): " + output);
        }
    }

    private (int Code, string Output) Script(string action, IDictionary<string, string>? extra)
    {
        var environment = new Dictionary<string, string> { ["GLTB_BASE"] = Base };
        if (extra != null)
        {
            foreach (var pair in extra)
            {
                environment[pair.Key] = pair.Value;
            }
        }

        return TestCommand.Run("/bin/bash", new[] { script, action }, ScriptTimeout, environment);
    }
}

/// <summary>The tests that share one GlusterFS test bed; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class GlusterFsTestBed : ICollectionFixture<GlusterFsFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "GlusterFS test bed";
}
