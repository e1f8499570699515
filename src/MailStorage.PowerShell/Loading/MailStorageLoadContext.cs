using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace MailStorage.PowerShell.Loading;

/// <summary>
/// The load context MailStorage's own assemblies and their dependencies live in, so that a session which has
/// already loaded another version of one of them (YamlDotNet, say) neither breaks MailStorage nor is broken by it.
/// Everything found in the module's <c>dependencies/</c> folder is loaded from there; the rest (the runtime,
/// PowerShell) comes from the default context.
/// </summary>
internal sealed class MailStorageLoadContext : AssemblyLoadContext
{
    private readonly string dependencyDirectory;

    public MailStorageLoadContext(string dependencyDirectory)
        : base("MailStorage", isCollectible: false)
    {
        this.dependencyDirectory = dependencyDirectory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == null)
        {
            return null;
        }

        string path = Path.Combine(dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
