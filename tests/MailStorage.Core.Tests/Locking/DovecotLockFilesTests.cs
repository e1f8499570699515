using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using MailStorage.Core.Locking;
using Xunit;

namespace MailStorage.Core.Tests.Locking;

/// <summary>
/// Only the lock files Dovecot creates are locks: a tree with foreign .lock files (one holding a dead local pid), a
/// <c>dovecot-uidlist.lock</c> symbolic link to a file outside, lock files without pid:host, and real stale Dovecot
/// dotlocks. The scan lists Dovecot's only, removal takes the stale Dovecot ones only, every other file stays byte for byte.
/// </summary>
public sealed class DovecotLockFilesTests : IDisposable
{
    private const string FlockHolder = "import fcntl,sys,time\nf=open(sys.argv[1],'r')\nfcntl.flock(f,fcntl.LOCK_EX)\nprint('ready',flush=True)\ntime.sleep(60)";

    private readonly LockTestFolder folder = new();
    private readonly string outside = Path.Combine("/tmp", "mailstorage-lock-outside-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        folder.Dispose();
        if (File.Exists(outside))
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void Only_Dovecots_lock_files_are_listed_and_only_its_stale_ones_removed()
    {
        int dead = LockTestFolder.DeadPid();
        string host = FileLocks.LocalHostname;
        string deadLocal = dead.ToString(CultureInfo.InvariantCulture) + ":" + host;
        string sub = Directory.CreateDirectory(Path.Combine(folder.Root, "sub")).FullName;
        string inbox = Directory.CreateDirectory(Path.Combine(folder.Root, "Maildir")).FullName;

        // Not Dovecot's: each would pass for a stale dotlock by its content and age.
        var foreign = new List<string>
        {
            Old(folder.File("random.lock", deadLocal)),
            Old(Write(Path.Combine(sub, "important.lock"), "999999:" + host)),
            Old(folder.File(".pwd.lock")),
            Old(folder.File("foo.lock")),
        };
        File.WriteAllText(outside, deadLocal);
        string link = Path.Combine(folder.Root, "dovecot-uidlist.lock");
        File.CreateSymbolicLink(link, outside);
        var before = foreign.Append(outside).ToDictionary(p => p, Hash);

        // Dovecot's: a stale uidlist dotlock of a dead local pid, a fresh empty one and one without pid:host.
        File.WriteAllText(Path.Combine(inbox, "dovecot-uidlist"), "3 V1 N1\n");
        string stale = Old(Write(Path.Combine(inbox, "dovecot-uidlist.lock"), deadLocal));
        string empty = Write(Path.Combine(inbox, "dovecot-keywords.lock"), string.Empty);
        string garbled = Old(Write(Path.Combine(inbox, "subscriptions.lock"), dead.ToString(CultureInfo.InvariantCulture)));

        var found = IndexLockScanner.Scan(folder.Root, recurse: true, out var notLocks);

        Assert.Equal(new[] { empty, stale, garbled }, found.Select(h => h.LockPath).Order(StringComparer.Ordinal));
        Assert.Contains(link, Assert.Single(notLocks), StringComparison.Ordinal);
        var uidlist = found.Single(h => h.LockPath == stale);
        Assert.True(uidlist.IsStale);
        Assert.Equal(dead, uidlist.Pid);

        // No pid:host: judged by age alone (fresh: not stale), and named as no process.
        var keywords = found.Single(h => h.LockPath == empty);
        Assert.Null(keywords.Pid);
        Assert.False(keywords.IsStale);
        Assert.StartsWith("dotlock of an unknown process (not pid:host) for ", keywords.ToString(), StringComparison.Ordinal);
        var subscriptions = found.Single(h => h.LockPath == garbled);
        Assert.Null(subscriptions.Pid);
        Assert.Null(subscriptions.Host);

        foreach (var holder in found.Where(h => h.IsStale))
        {
            Assert.True(FileLocks.TryRemoveStaleDotlock(holder.LockPath, null, out _));
        }

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(empty));
        Assert.False(FileLocks.TryRemoveStaleDotlock(empty, null, out var emptyHolder));
        Assert.NotNull(emptyHolder);
        Assert.Throws<ArgumentException>(() => FileLocks.TryRemoveStaleDotlock(foreign[0], TimeSpan.FromMilliseconds(1), out _));
        Assert.False(FileLocks.TryRemoveStaleDotlock(link, TimeSpan.FromMilliseconds(1), out var linkHolder));
        Assert.Null(linkHolder);
        Assert.Throws<ArgumentException>(() => IndexLockScanner.FindLockFileHolders(link));

        Assert.Equal(outside, new FileInfo(link).LinkTarget);
        foreach (var (path, hash) in before)
        {
            Assert.Equal(hash, Hash(path));
        }
    }

    [Fact]
    public void A_lock_file_Dovecot_holds_with_flock_is_listed_by_its_holder_and_never_removed_however_old()
    {
        string mailboxes = Old(folder.File("mailboxes.lock"));
        var child = folder.Python(FlockHolder, mailboxes);

        var holder = Assert.Single(IndexLockScanner.Scan(folder.Root, recurse: false));

        Assert.Equal(LockMethod.Flock, holder.Method);
        Assert.Equal(child.Id, holder.Pid);
        Assert.False(FileLocks.TryRemoveStaleDotlock(mailboxes, TimeSpan.FromMilliseconds(1), out var found));
        Assert.Equal(child.Id, found!.Pid);
        Assert.True(File.Exists(mailboxes));
    }

    [Theory]
    [InlineData("dovecot-uidlist.lock", "dovecot-uidlist", 120)]
    [InlineData("dovecot-keywords.lock", "dovecot-keywords", 120)]
    [InlineData("subscriptions.lock", "subscriptions", 30)]
    [InlineData("dovecot.index.log.lock", "dovecot.index.log", 180)]
    [InlineData("dovecot.list.index.log.lock", "dovecot.list.index.log", 180)]
    [InlineData("dovecot.map.index.log.lock", "dovecot.map.index.log", 180)]
    [InlineData("dovecot.index.log.newlock", "dovecot.index.log", 180)]
    [InlineData("dovecot.index.cache.lock", "dovecot.index.cache", 300)]
    [InlineData("dovecot-pop3-session.lock", "dovecot-pop3-session.lock", 300)]
    [InlineData("mailboxes.lock", "mailboxes.lock", 300)]
    [InlineData("mailboxes.lock0123456789abcdef0123456789abcdef01234567", "mailboxes.lock0123456789abcdef0123456789abcdef01234567", 300)]
    [InlineData("dovecot-vsize.lock.0123456789abcdef0123456789abcdef01234567", "dovecot-vsize.lock.0123456789abcdef0123456789abcdef01234567", 300)]
    [InlineData("duplicate.lock.0123456789abcdef0123456789abcdef", "duplicate.lock.0123456789abcdef0123456789abcdef", 300)]
    public void Dovecots_lock_names_map_to_the_file_they_protect_and_its_stale_timeout(string name, string protectedName, int staleSeconds)
    {
        var lockFile = DovecotLockFiles.Recognize(name);

        Assert.NotNull(lockFile);
        Assert.Equal("/m/" + protectedName, DovecotLockFiles.ProtectedPathOf("/m/" + name, lockFile!));
        Assert.Equal(TimeSpan.FromSeconds(staleSeconds), lockFile.StaleTimeout);
        Assert.StartsWith("src/", lockFile.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("random.lock")]
    [InlineData(".pwd.lock")]
    [InlineData("foo.lock")]
    [InlineData("important.lock")]
    [InlineData("dovecot.index.lock")]
    [InlineData("mailboxes.lock0123")]
    [InlineData("dovecot-vsize.lock.0123456789ABCDEF0123456789ABCDEF01234567")]
    [InlineData("maildirsize.lock")]
    [InlineData("duplicate.lock")]
    [InlineData("dovecot-uidlist")]
    public void Other_names_are_not_Dovecots_locks(string name) => Assert.Null(DovecotLockFiles.Recognize(name));

    // Older than Dovecot's 2 s pid check and than every stale timeout by mtime (ctime stays now).
    private static string Old(string path)
    {
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        return path;
    }

    private static string Write(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
