using System.Management.Automation;
using MailStorage.ConfigAnalyzer.Settings;
using MailStorage.Core.Reporting;

namespace MailStorage.PowerShell.Common;

/// <summary>Core's activity as the cmdlet's verbose stream; only for work that runs on the cmdlet's pipeline thread.</summary>
internal sealed class VerboseLog : IActivityLog
{
    private readonly Cmdlet cmdlet;
    private readonly string prefix;

    /// <summary>Writes to <paramref name="cmdlet"/>'s verbose stream, each line after <paramref name="about"/> and ": " when given.</summary>
    public VerboseLog(Cmdlet cmdlet, string? about = null)
    {
        this.cmdlet = cmdlet;
        prefix = about == null ? string.Empty : about + ": ";
    }

    /// <inheritdoc />
    public void Write(string message) => cmdlet.WriteVerbose(prefix + message);

    /// <summary>Says which files a configuration was read from (the main file and every include), with their sizes.</summary>
    public void ConfigFiles(DovecotConfig config)
    {
        foreach (string file in config.Files)
        {
            Write("Read " + ActivityLog.Describe(file));
        }
    }
}
