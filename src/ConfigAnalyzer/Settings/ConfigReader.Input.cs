using System;
using System.IO;
using System.Text;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <content>One file being read: the main file or an include, line by line.</content>
public sealed partial class ConfigReader
{
    /// <summary>
    /// A file on the stack of inputs. An include is opened when its !include line is met (so that its errors are
    /// doveconf's, at that line) and read only when its turn comes, so one include's bytes are in memory at a time.
    /// </summary>
    internal sealed class Input : IDisposable
    {
        /// <summary>The largest file read: far above any real configuration (bench/config-memory.sh reads 50 MB).</summary>
        public const int MaxFileBytes = 256 * 1024 * 1024;

        private const string TooLarge = "larger than 256 MB: not a configuration file (a device, or a file still growing?)";

        private byte[]? bytes;
        private FileStream? stream;
        private int offset;

        public Input(string path, byte[] bytes)
        {
            Path = path;
            this.bytes = bytes;
        }

        public Input(string path, FileStream stream)
        {
            Path = path;
            this.stream = stream;
        }

        public string Path { get; }

        public int LineNumber { get; private set; }

        public bool Listed { get; set; }

        // Lines end at '\n' (a '\r' before it is dropped); a C string ends at the first NUL, so does the line.
        public void Dispose()
        {
            stream?.Dispose();
            stream = null;
            bytes = null;
        }

        public bool TryReadLine(out string line)
        {
            line = string.Empty;
            var bytes = this.bytes ??= ReadOpened();
            if (offset >= bytes.Length)
            {
                return false;
            }

            int end = Array.IndexOf(bytes, (byte)'\n', offset);
            int next = end < 0 ? bytes.Length : end + 1;
            if (end < 0)
            {
                end = bytes.Length;
            }

            int stop = end;
            if (stop > offset && bytes[stop - 1] == '\r')
            {
                stop--;
            }

            int nul = Array.IndexOf(bytes, (byte)0, offset, stop - offset);
            if (nul >= 0)
            {
                stop = nul;
            }

            line = Encoding.UTF8.GetString(bytes, offset, stop - offset);
            offset = next;
            LineNumber++;
            return true;
        }

        /// <summary>Set when the file could not be taken whole (larger than <see cref="MaxFileBytes"/>).</summary>
        public string? ReadError { get; private set; }

        /// <summary>
        /// The bytes of <paramref name="stream"/>, at most <see cref="MaxFileBytes"/>; more is
        /// <see cref="InvalidDataException"/>. A device (/dev/zero) or a runaway file is then a clear error instead of
        /// all the memory there is (doveconf itself runs out of memory on /dev/zero).
        /// </summary>
        public static byte[] ReadAtMost(Stream stream)
        {
            using var memory = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, MaxFileBytes) : 0);
            var buffer = new byte[81920];
            for (int n; (n = stream.Read(buffer, 0, buffer.Length)) > 0;)
            {
                if (memory.Length + n > MaxFileBytes)
                {
                    throw new InvalidDataException(TooLarge);
                }

                memory.Write(buffer, 0, n);
            }

            return memory.Length == memory.Capacity ? memory.GetBuffer() : memory.ToArray();
        }

        // An include's content, read when its turn comes. A file that opened a moment ago but then fails to read
        // is taken as empty; one too large to be a configuration stops the read with ReadError.
        private byte[] ReadOpened()
        {
            if (stream == null)
            {
                return Array.Empty<byte>();
            }

            try
            {
                return ReadAtMost(stream);
            }
            catch (IOException)
            {
                return Array.Empty<byte>();
            }
            catch (InvalidDataException e)
            {
                ReadError = "read(" + Path + ") failed: " + e.Message;
                return Array.Empty<byte>();
            }
            finally
            {
                stream.Dispose();
                stream = null;
            }
        }
    }
}
