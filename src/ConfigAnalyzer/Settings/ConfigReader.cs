using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MailStorage.ConfigAnalyzer.Syntax;

namespace MailStorage.ConfigAnalyzer.Settings;

/// <summary>
/// Reads dovecot.conf and its includes in one pass, line by line, the way doveconf 2.3.19 does: every line is
/// checked against the schema as it is read, and the first error stops reading at doveconf's file and line.
/// </summary>
/// <remarks>
/// This file holds the line loop and setting assignment; the other concerns are in their own files, as Dovecot
/// splits config-parser.c: ConfigReader.Sections.cs, .Filters.cs, .Includes.cs, .Variables.cs (value expansion),
/// .Input.cs (one file being read) and .Obsolete.cs (what ObsoleteSettings calls back).
/// </remarks>
public sealed partial class ConfigReader
{
    private readonly ConfigReadOptions options;
    private readonly SettingsSchema schema;
    private readonly List<FilterBlock> blocks = new List<FilterBlock>();
    private readonly List<string> files = new List<string>();
    private readonly List<ConfigDiagnostic> diagnostics = new List<ConfigDiagnostic>();

    // Comment lines meant for MailStorage (suppressions), kept so the linter need not read the files again.
    private const string DirectivePrefix = "mailstorage-";
    private readonly List<ConfigComment> directives = new List<ConfigComment>();
    private readonly Stack<Input> inputs = new Stack<Input>();

    // One continuation buffer for the whole read: a backslash on a file's last line joins the next line read,
    // even in the including file.
    private readonly ConfigLineParser lineParser = new ConfigLineParser();
    private Section current = null!;
    private string? error;

    private ConfigReader(ConfigReadOptions? options)
    {
        this.options = options ?? new ConfigReadOptions();
        schema = this.options.Schema ?? SettingsSchema.Dovecot23;
    }

    /// <summary>Reads the configuration at <paramref name="path"/>. Problems are in the result's diagnostics, never thrown.</summary>
    public static DovecotConfig Read(string path, ConfigReadOptions? options = null) => new ConfigReader(options).Run(path);

    private DovecotConfig Run(string path)
    {
        try
        {
            return ReadAll(path);
        }
        finally
        {
            // Includes opened but not reached when an error stopped the read.
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    private DovecotConfig ReadAll(string path)
    {
        var global = new FilterBlock(ConfigFilter.Global, new SettingsNode(schema.Root, string.Empty, string.Empty, default, null), null);
        blocks.Add(global);
        current = new Section(null, SectionRole.Root, string.Empty, ConfigFilter.Global, global, new List<PathStep>(), schema.Root, default);

        byte[] bytes;
        try
        {
            using var stream = File.OpenRead(path);
            bytes = Input.ReadAtMost(stream);
        }
        catch (InvalidDataException e)
        {
            string message = "read(" + path + ") failed: " + e.Message;
            diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Fatal, message, null, message));
            return Result(path);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            string message = "open(" + path + ") failed: " + Errno.Describe(e);
            diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Fatal, message, null, message));
            return Result(path);
        }

        inputs.Push(new Input(path, bytes));
        while (inputs.Count > 0)
        {
            var input = inputs.Peek();
            if (input.LineNumber == 0 && !input.Listed)
            {
                // Files are listed as they are read; an include's matches are stacked last to first.
                files.Add(input.Path);
                input.Listed = true;
            }

            if (!input.TryReadLine(out var physical))
            {
                if (input.ReadError != null)
                {
                    diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Fatal, input.ReadError, new SourceLocation(input.Path, 1, 1), input.ReadError));
                    return Result(path);
                }

                inputs.Pop().Dispose();
                continue;
            }

            var line = lineParser.Parse(physical);
            if (line.Kind == ConfigLineKind.Skip && physical.IndexOf(DirectivePrefix, StringComparison.Ordinal) >= 0)
            {
                directives.Add(new ConfigComment(input.Path, input.LineNumber, physical));
            }

            if (line.Kind == ConfigLineKind.Continue)
            {
                continue;
            }

            if (line.AmbiguousHash)
            {
                Warn("Configuration file " + input.Path + " line " + Num(input.LineNumber) + ": Ambiguous '#' character in line, treating it as comment. Add a space before it to remove this warning.",
                    new SourceLocation(input.Path, input.LineNumber, line.KeyColumn));
            }

            Apply(input, line);
            if (error != null)
            {
                var at = new SourceLocation(input.Path, input.LineNumber, line.KeyColumn == 0 ? 1 : line.KeyColumn);
                diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Fatal, error, at,
                    "Error in configuration file " + input.Path + " line " + Num(input.LineNumber) + ": " + error));
                return Result(path);
            }
        }

        if (current.Parent != null)
        {
            string message = "Missing '}' (section started at " + current.Opened + ")";
            diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Fatal, message, current.Opened, "Error in configuration file " + path + ": " + message));
            return Result(path);
        }

        var config = Result(path);
        ConfigChecks.Run(config, diagnostics);
        return config;
    }

    private DovecotConfig Result(string path) => new DovecotConfig(path, schema, blocks, files, diagnostics) { Directives = directives };

    private void Warn(string text, SourceLocation? location) =>
        diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, text, location, text));

    private void Apply(Input input, ConfigLine line)
    {
        var location = new SourceLocation(input.Path, input.LineNumber, line.KeyColumn);
        switch (line.Kind)
        {
            case ConfigLineKind.Skip:
                return;
            case ConfigLineKind.Error:
                error = line.Value;
                return;
            case ConfigLineKind.KeyValue:
            case ConfigLineKind.KeyFile:
            case ConfigLineKind.KeyVariable:
                if (ObsoleteSettings.TryHandle(this, input, line, location))
                {
                    return;
                }

                AssignSetting(input, line, location);
                return;
            case ConfigLineKind.SectionBegin:
                if (ObsoleteSettings.TryHandle(this, input, line, location))
                {
                    return;
                }

                BeginSection(line, location);
                return;
            case ConfigLineKind.SectionEnd:
                if (current.Parent == null)
                {
                    error = "Unexpected '}'";
                }
                else
                {
                    current = current.Parent;
                }

                return;
            case ConfigLineKind.Include:
            case ConfigLineKind.IncludeTry:
                Include(input, line.Value, line.Kind == ConfigLineKind.IncludeTry);
                return;
        }
    }

    internal void AssignSetting(Input input, ConfigLine line, SourceLocation location) =>
        AssignSetting(input, line.Key, line.Value, line.Kind, location);

    internal void AssignSetting(Input input, string key, string rawValue, ConfigLineKind kind, SourceLocation location)
    {
        NoteFilterUse(input, current.KeyPrefix, key);
        string value;
        switch (kind)
        {
            case ConfigLineKind.KeyFile:
                value = options.ExpandValues ? ReadKeyFile(input, key, rawValue) : "<" + rawValue;
                if (error != null)
                {
                    return;
                }

                break;
            case ConfigLineKind.KeyVariable:
                value = ExpandVariables(key, rawValue);
                if (error != null)
                {
                    return;
                }

                break;
            default:
                value = rawValue;
                break;
        }

        SetValue(key, value, rawValue, kind, location);
    }

    private void SetValue(string key, string value, string rawValue, ConfigLineKind kind, SourceLocation location)
    {
        var definition = current.Definition;
        if (current.Role == SectionRole.DeadEnd)
        {
            error = "Unknown setting: " + FullPath(key);
            return;
        }

        var node = ResolveNode(current);
        if (definition.Kind == SectionKind.StrList)
        {
            node.Set(new SettingValue(key, value, rawValue, location, kind, null));
            return;
        }

        var setting = definition.FindSetting(key);
        if (setting == null)
        {
            error = "Unknown setting: " + FullPath(key);
            return;
        }

        string normalized = value;
        // Unexpanded <file and $variable values are kept as written; Dovecot checks them at run time.
        bool literal = kind == ConfigLineKind.KeyFile && !options.ExpandValues;
        if (!literal && !SettingValueParser.TryNormalize(setting, value, out normalized, out var message))
        {
            error = message;
            return;
        }

        if (setting.IsAuth && (current.Filter.Local != null || current.Filter.LocalName != null || current.Filter.Remote != null))
        {
            error = "Auth settings not supported inside local/remote blocks: " + key;
            return;
        }

        node.Set(new SettingValue(setting.Name, normalized, rawValue, location, kind, setting));
    }

    // doveconf names a setting by the non-filter sections around it: "namespace { mailbox { foo".
    private string FullPath(string key, string? openedType = null)
    {
        var parts = new List<string>();
        for (var s = current; s != null && s.Parent != null; s = s.Parent)
        {
            if (s.Role != SectionRole.Filter)
            {
                parts.Insert(0, s.Type + " { ");
            }
        }

        if (openedType != null)
        {
            parts.Add(openedType + " { ");
        }

        return string.Concat(parts) + key;
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
