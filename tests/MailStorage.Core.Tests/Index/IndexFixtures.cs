using System.IO;
using System.Runtime.CompilerServices;

namespace MailStorage.Core.Tests.Index;

/// <summary>The hand-made fixtures beside these tests (named after their defect), found from the source path.</summary>
internal static class IndexFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(Folder(), "Fixtures", name);

    private static string Folder([CallerFilePath] string source = "") => System.IO.Path.GetDirectoryName(source)!;
}
