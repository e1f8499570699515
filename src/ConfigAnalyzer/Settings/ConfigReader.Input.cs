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

        // An include's content, read when its turn comes. A file that opened a moment ago but then fails to read
        // is taken as empty.
        private byte[] ReadOpened()
        {
            if (stream == null)
            {
                return Array.Empty<byte>();
            }

            try
            {
                using var memory = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, int.MaxValue) : 0);
                stream.CopyTo(memory);
                return memory.Length == memory.Capacity ? memory.GetBuffer() : memory.ToArray();
            }
            catch (IOException)
            {
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
