using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace MailStorage.PowerShell.Loading;

/// <summary>
/// Runs when the module is imported and removed. On import it sends the default load context's requests for
/// MailStorage's own assemblies (and only those) to <see cref="MailStorageLoadContext"/>, which loads them and
/// everything they depend on from <c>dependencies/</c> beside this assembly.
/// </summary>
/// <remarks>
/// This type must not mention any type from those assemblies: it runs before they can be resolved.
/// </remarks>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly HashSet<string> OwnAssemblies = new(StringComparer.Ordinal)
    {
        "MailStorage.ConfigAnalyzer",
        "MailStorage.Core",
    };

    private static readonly Lazy<MailStorageLoadContext> Context = new(() =>
        new MailStorageLoadContext(Path.Combine(
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory,
            "dependencies")));

    /// <summary>Registers the resolver.</summary>
    public void OnImport()
    {
        AssemblyLoadContext.Default.Resolving -= ResolveOwnAssembly;
        AssemblyLoadContext.Default.Resolving += ResolveOwnAssembly;
    }

    /// <summary>Unregisters the resolver.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        AssemblyLoadContext.Default.Resolving -= ResolveOwnAssembly;
    }

    private static Assembly? ResolveOwnAssembly(AssemblyLoadContext context, AssemblyName name) =>
        name.Name != null && OwnAssemblies.Contains(name.Name) ? Context.Value.LoadFromAssemblyName(name) : null;
}
