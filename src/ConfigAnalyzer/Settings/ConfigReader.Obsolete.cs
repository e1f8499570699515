using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <content>What ObsoleteSettings needs of the reader to hand a 1.x or renamed setting back to it.</content>
public sealed partial class ConfigReader
{
    /// <summary>
    /// Assigns a setting of a service Dovecot defines by default (or one the configuration opened), in the global
    /// block, as old-set-parser.c does when it moves a 1.x setting into <c>service NAME { }</c>. False when the
    /// service does not exist.
    /// </summary>
    internal bool AssignServiceSetting(string service, string key, string value, SourceLocation location)
    {
        var serviceDefinition = schema.Root.Sections["service"];
        var global = blocks[0].Root;
        string serviceKey = EscapeSectionName(service);
        if (global.FindChild("service", serviceKey) == null && !serviceDefinition.BuiltInInstances.Contains(service))
        {
            return false;
        }

        var step = new PathStep(serviceDefinition, service, serviceKey, location);
        var node = global.FindChild("service", serviceKey) ?? CreateSection(global, step);
        var setting = serviceDefinition.FindSetting(key);
        if (setting == null)
        {
            error = "Unknown setting: service { " + key;
            return true;
        }

        if (!SettingValueParser.TryNormalize(setting, value, out var normalized, out var message))
        {
            error = message;
            return true;
        }

        node.Set(new SettingValue(setting.Name, normalized, value, location, ConfigLineKind.KeyValue, setting));
        return true;
    }

    internal string? Error
    {
        get => error;
        set => error = value;
    }

    internal Section Current => current;

    internal bool SeenObsolete { get; set; }

    internal void BeginSectionFromObsolete(ConfigLine line, SourceLocation location) => BeginSection(line, location);

    internal void Warning(string text, SourceLocation location) => Warn(text, location);

    internal void LogError(string text, SourceLocation location) =>
        diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Error, text, location, text));
}
