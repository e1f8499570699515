using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using MailStorage.Core.Interop;
using MailStorage.Core.Tests.TestBeds;
using Xunit;

namespace MailStorage.Core.Tests.Interop;

/// <summary>
/// struct flock, struct stat, struct dirent's d_name and the constants of Libc.Fcntl.cs, Libc.Files.cs, Libc.Mmap.cs
/// and Libc.At.cs against what the C compiler of this machine says, by compiling and running a tiny C program.
/// </summary>
public sealed class LibcProbeCallsLayoutTests
{
    private const string Program = """
        #define _GNU_SOURCE
        #include <fcntl.h>
        #include <stddef.h>
        #include <stdio.h>
        #include <sys/file.h>
        #include <sys/mman.h>
        #include <sys/stat.h>
        #include <dirent.h>
        #define P(name, value) printf("%s=%ld\n", name, (long)(value))
        int main(void) {
          P("sizeof(flock)", sizeof(struct flock));
          P("flock.l_type", offsetof(struct flock, l_type));
          P("flock.l_whence", offsetof(struct flock, l_whence));
          P("flock.l_start", offsetof(struct flock, l_start));
          P("flock.l_len", offsetof(struct flock, l_len));
          P("flock.l_pid", offsetof(struct flock, l_pid));
          P("sizeof(stat)", sizeof(struct stat));
          P("stat.st_dev", offsetof(struct stat, st_dev));
          P("stat.st_ino", offsetof(struct stat, st_ino));
          P("stat.st_nlink", offsetof(struct stat, st_nlink));
          P("stat.st_mode", offsetof(struct stat, st_mode));
          P("stat.st_uid", offsetof(struct stat, st_uid));
          P("stat.st_gid", offsetof(struct stat, st_gid));
          P("stat.st_size", offsetof(struct stat, st_size));
          P("stat.st_mtim", offsetof(struct stat, st_mtim));
          P("stat.st_ctim", offsetof(struct stat, st_ctim));
          P("F_GETLK", F_GETLK); P("F_SETLK", F_SETLK); P("F_SETLKW", F_SETLKW);
          P("F_OFD_GETLK", F_OFD_GETLK); P("F_OFD_SETLK", F_OFD_SETLK); P("F_OFD_SETLKW", F_OFD_SETLKW);
          P("F_RDLCK", F_RDLCK); P("F_WRLCK", F_WRLCK); P("F_UNLCK", F_UNLCK);
          P("LOCK_SH", LOCK_SH); P("LOCK_EX", LOCK_EX); P("LOCK_NB", LOCK_NB); P("LOCK_UN", LOCK_UN);
          P("O_WRONLY", O_WRONLY); P("O_RDWR", O_RDWR); P("O_CREAT", O_CREAT); P("O_EXCL", O_EXCL);
          P("O_TRUNC", O_TRUNC); P("O_APPEND", O_APPEND); P("O_NONBLOCK", O_NONBLOCK); P("O_DIRECTORY", O_DIRECTORY); P("O_NOFOLLOW", O_NOFOLLOW); P("O_NOATIME", O_NOATIME);
          P("O_CLOEXEC", O_CLOEXEC);
          P("PROT_READ", PROT_READ); P("PROT_WRITE", PROT_WRITE); P("MAP_SHARED", MAP_SHARED); P("MAP_PRIVATE", MAP_PRIVATE);
          P("MS_ASYNC", MS_ASYNC); P("MS_INVALIDATE", MS_INVALIDATE); P("MS_SYNC", MS_SYNC);
          P("AT_FDCWD", AT_FDCWD); P("AT_SYMLINK_NOFOLLOW", AT_SYMLINK_NOFOLLOW); P("AT_REMOVEDIR", AT_REMOVEDIR);
          P("AT_EMPTY_PATH", AT_EMPTY_PATH); P("UTIME_OMIT", UTIME_OMIT);
          P("S_IFMT", S_IFMT); P("S_IFREG", S_IFREG); P("S_IFDIR", S_IFDIR); P("S_IFLNK", S_IFLNK);
          P("dirent.d_name", offsetof(struct dirent, d_name));
          return 0;
        }
        """;

    [Fact]
    public void Struct_layouts_and_constants_match_the_C_headers()
    {
        string? missing = TestCommand.Missing("cc");
        Assert.True(missing == null, "cannot check struct layouts: " + missing);
        string dir = Path.Combine(Path.GetTempPath(), "mailstorage-layout-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "layout.c"), Program);
            TestCommand.Must("cc", "-o", Path.Combine(dir, "layout"), Path.Combine(dir, "layout.c"));
            var c = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (string line in TestCommand.Must(Path.Combine(dir, "layout")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split('=');
                c[parts[0]] = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }

            var ours = new Dictionary<string, long>(StringComparer.Ordinal)
            {
                ["sizeof(flock)"] = Marshal.SizeOf<Libc.flock_t>(),
                ["flock.l_type"] = Offset<Libc.flock_t>("l_type"),
                ["flock.l_whence"] = Offset<Libc.flock_t>("l_whence"),
                ["flock.l_start"] = Offset<Libc.flock_t>("l_start"),
                ["flock.l_len"] = Offset<Libc.flock_t>("l_len"),
                ["flock.l_pid"] = Offset<Libc.flock_t>("l_pid"),
                ["sizeof(stat)"] = Marshal.SizeOf<Libc.stat_t>(),
                ["stat.st_dev"] = Offset<Libc.stat_t>("st_dev"),
                ["stat.st_ino"] = Offset<Libc.stat_t>("st_ino"),
                ["stat.st_nlink"] = Offset<Libc.stat_t>("st_nlink"),
                ["stat.st_mode"] = Offset<Libc.stat_t>("st_mode"),
                ["stat.st_uid"] = Offset<Libc.stat_t>("st_uid"),
                ["stat.st_gid"] = Offset<Libc.stat_t>("st_gid"),
                ["stat.st_size"] = Offset<Libc.stat_t>("st_size"),
                ["stat.st_mtim"] = Offset<Libc.stat_t>("st_mtim"),
                ["stat.st_ctim"] = Offset<Libc.stat_t>("st_ctim"),
                ["F_GETLK"] = Libc.F_GETLK, ["F_SETLK"] = Libc.F_SETLK, ["F_SETLKW"] = Libc.F_SETLKW,
                ["F_OFD_GETLK"] = Libc.F_OFD_GETLK, ["F_OFD_SETLK"] = Libc.F_OFD_SETLK, ["F_OFD_SETLKW"] = Libc.F_OFD_SETLKW,
                ["F_RDLCK"] = Libc.F_RDLCK, ["F_WRLCK"] = Libc.F_WRLCK, ["F_UNLCK"] = Libc.F_UNLCK,
                ["LOCK_SH"] = Libc.LOCK_SH, ["LOCK_EX"] = Libc.LOCK_EX, ["LOCK_NB"] = Libc.LOCK_NB, ["LOCK_UN"] = Libc.LOCK_UN,
                ["O_WRONLY"] = Libc.O_WRONLY, ["O_RDWR"] = Libc.O_RDWR, ["O_CREAT"] = Libc.O_CREAT, ["O_EXCL"] = Libc.O_EXCL,
                ["O_TRUNC"] = Libc.O_TRUNC, ["O_APPEND"] = Libc.O_APPEND, ["O_NONBLOCK"] = Libc.O_NONBLOCK, ["O_DIRECTORY"] = Libc.O_DIRECTORY, ["O_NOFOLLOW"] = Libc.O_NOFOLLOW, ["O_NOATIME"] = Libc.O_NOATIME,
                ["O_CLOEXEC"] = Libc.O_CLOEXEC,
                ["PROT_READ"] = Libc.PROT_READ, ["PROT_WRITE"] = Libc.PROT_WRITE, ["MAP_SHARED"] = Libc.MAP_SHARED, ["MAP_PRIVATE"] = Libc.MAP_PRIVATE,
                ["MS_ASYNC"] = Libc.MS_ASYNC, ["MS_INVALIDATE"] = Libc.MS_INVALIDATE, ["MS_SYNC"] = Libc.MS_SYNC,
                ["AT_FDCWD"] = Libc.AT_FDCWD, ["AT_SYMLINK_NOFOLLOW"] = Libc.AT_SYMLINK_NOFOLLOW, ["AT_REMOVEDIR"] = Libc.AT_REMOVEDIR,
                ["AT_EMPTY_PATH"] = Libc.AT_EMPTY_PATH, ["UTIME_OMIT"] = Libc.UTIME_OMIT,
                ["S_IFMT"] = Libc.S_IFMT, ["S_IFREG"] = Libc.S_IFREG, ["S_IFDIR"] = Libc.S_IFDIR, ["S_IFLNK"] = Libc.S_IFLNK,
                ["dirent.d_name"] = Libc.DirentNameOffset,
            };

            Assert.Equal(c.Count, ours.Count);
            foreach (var pair in c)
            {
                Assert.True(ours[pair.Key] == pair.Value, pair.Key + ": C says " + pair.Value + ", Libc says " + ours[pair.Key]);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long Offset<T>(string field) => Marshal.OffsetOf<T>(field).ToInt64();
}
