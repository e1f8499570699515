using MailStorage.Core.Interop;

namespace MailStorage.Core.FileSystems;

/// <summary>Whether a path names a regular file (links followed): not a device, a FIFO, a socket or a folder.</summary>
public static class RegularFile
{
    /// <summary>
    /// True for a regular file. Reading a FIFO blocks until a writer comes and a device may never end, so what reads a
    /// file on a whim (a tab press) asks first.
    /// </summary>
    public static bool Is(string path) => path != null && Libc.stat(path, out var status) == 0 && Libc.IsRegular(status.st_mode);
}
