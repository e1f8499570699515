using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using MailStorage.Core.Interop;
using MailStorage.Core.Tests.FileSystems;
using Xunit;

namespace MailStorage.Core.Tests.Interop;

/// <summary>The C# <c>struct statfs</c> has the C compiler's size and field offsets.</summary>
public sealed class StatfsLayoutTests
{
    private static readonly string[] Fields = { "f_type", "f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree", "f_fsid", "f_namelen", "f_frsize", "f_flags", "f_spare" };

    [Fact]
    public void Matches_the_C_compiler()
    {
        var c = CompileAndRun(
            "#include <stdio.h>\n#include <stddef.h>\n#include <sys/vfs.h>\n" +
            "int main(void) {\n  printf(\"sizeof %zu\\n\", sizeof(struct statfs));\n" +
            string.Concat(Fields.Select(f => "  printf(\"" + f + " %zu\\n\", offsetof(struct statfs, " + f + "));\n")) +
            "  return 0;\n}\n");
        Assert.Equal(c["sizeof"], Marshal.SizeOf<Libc.statfs_t>());
        foreach (var field in Fields)
        {
            Assert.True(c[field] == (int)Marshal.OffsetOf<Libc.statfs_t>(field), field + ": C " + c[field] + ", C# " + Marshal.OffsetOf<Libc.statfs_t>(field));
        }
    }

    [Fact]
    public void Statfs_of_a_missing_path_names_call_path_and_errno()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Libc.statfs("/no/such/path"));
        Assert.Equal("statfs(/no/such/path) failed: No such file or directory (errno 2)", e.Message);
    }

    private static Dictionary<string, int> CompileAndRun(string source)
    {
        string dir = Directory.CreateTempSubdirectory("mailstorage-layout-").FullName;
        try
        {
            string file = Path.Combine(dir, "layout.c");
            string program = Path.Combine(dir, "layout");
            File.WriteAllText(file, source);
            if (!File.Exists("/usr/bin/cc"))
            {
                throw new InvalidOperationException("cc is not installed: apt-get install gcc (the layout test compiles a C program)");
            }

            ScratchMounts.Run("cc", "-o", program, file);
            return ScratchMounts.Run(program)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' '))
                .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
