namespace MailStorage.ConfigAnalyzer.Storage;

/// <summary>How users reach the backends that share the storage.</summary>
public enum Topology
{
    /// <summary>One host uses the storage.</summary>
    Single,
    /// <summary>Several hosts, each user pinned to one of them at a time (director, proxy with host=).</summary>
    Sticky,
    /// <summary>Several hosts, any of them may serve the same user at the same time.</summary>
    Random,
}
