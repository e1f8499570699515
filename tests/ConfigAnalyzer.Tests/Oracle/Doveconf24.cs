using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MailStorage.ConfigAnalyzer.Tests.Oracle;

/// <summary>
/// Runs Dovecot 2.4.1's doveconf, the oracle for 2.4 configuration: Debian trixie's build in the chroot that
/// tests/testbeds/dovecot24.sh makes (test.sh builds it), on this host's paths.
/// </summary>
internal static class Doveconf24
{
    /// <summary>The test bed script, from the repository root.</summary>
    public static string Script => Path.Combine(Corpus.RepositoryRoot, "tests", "testbeds", "dovecot24.sh");

    /// <summary>
    /// doveconf 2.4.1 with <paramref name="args"/>, run in <paramref name="workingDirectory"/> (relative paths are
    /// this host's). Unlike 2.3's, 2.4's doveconf never runs the managesieve binary: Pigeonhole 2.4 leaves
    /// managesieve_sieve_capability and managesieve_notify_capability empty in -a and out of -n, with or without
    /// DUMP_CAPABILITY, so the output needs no filtering.
    /// </summary>
    public static Doveconf.Result Run(string workingDirectory, IDictionary<string, string>? environment, params string[] args) =>
        RunTool("doveconf", workingDirectory, environment, args);

    /// <summary>doveadm 2.4.1 with <paramref name="args"/>, like <see cref="Run"/>.</summary>
    public static Doveconf.Result RunDoveadm(string workingDirectory, IDictionary<string, string>? environment, params string[] args) =>
        RunTool("doveadm", workingDirectory, environment, args);

    private static Doveconf.Result RunTool(string tool, string workingDirectory, IDictionary<string, string>? environment, string[] args)
    {
        EnsureBuilt();
        return Doveconf.RunProgram(Script, workingDirectory, environment, TimeSpan.FromSeconds(60), new[] { tool }.Concat(args).ToArray());
    }

    /// <summary>Throws, saying how to build it, when the 2.4.1 chroot is missing or was made from another package list.</summary>
    public static void EnsureBuilt()
    {
        var status = Doveconf.RunProgram(Script, "/", null, TimeSpan.FromSeconds(30), "status");
        if (status.ExitCode != 0)
        {
            // No silent skip: the test that needs the oracle fails and says how to get it.
            throw new InvalidOperationException(
                "The Dovecot 2.4.1 oracle is not there: " + (status.Stdout + status.Stderr).Trim() +
                ". Run ./test.sh, or as root: tests/testbeds/dovecot24.sh build (needs mmdebstrap).");
        }
    }
}
