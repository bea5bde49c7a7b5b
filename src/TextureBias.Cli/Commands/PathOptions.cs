using System.CommandLine;
using System.Runtime.CompilerServices;
using TextureBias.Data;

namespace TextureBias.Cli.Commands;

/// <summary>
/// The options of each command that name paths, and what they must be. Every command declares
/// them once (one line beside its options); <see cref="Check"/> then checks the given paths with
/// <see cref="OutputPaths"/> and <see cref="InputPaths"/> after parsing and before the command
/// runs, so that a folder given for a file (or the reverse), a missing input folder or an
/// unwritable location is one line and exit code 2 before any model is built or network runs.
/// </summary>
internal static class PathOptions
{
    private enum Role { OutputFile, OutputFolder, InputFile, InputFolder, InputFolderList }

    private sealed record Declared(Role Role);

    private static readonly ConditionalWeakTable<Option, Declared> Roles = new();

    /// <summary>
    /// Declares path options: files and folders written, files and folders read, and lists of
    /// folders separated by commas (<c>train --train SIN,IN</c>).
    /// </summary>
    public static void Declare(Option[]? outputFiles = null, Option[]? outputFolders = null, Option[]? inputFiles = null,
        Option[]? inputFolders = null, Option[]? inputFolderLists = null)
    {
        void Add(Option[]? options, Role role)
        {
            foreach (var o in options ?? []) Roles.AddOrUpdate(o, new Declared(role));
        }
        Add(outputFiles, Role.OutputFile);
        Add(outputFolders, Role.OutputFolder);
        Add(inputFiles, Role.InputFile);
        Add(inputFolders, Role.InputFolder);
        Add(inputFolderLists, Role.InputFolderList);
    }

    /// <summary>Whether <paramref name="option"/> was declared as a path (for the tests that every output option is checked).</summary>
    public static bool IsDeclared(Option option) => Roles.TryGetValue(option, out _);

    /// <summary>Checks the paths given to the parsed command's declared options, in their order on the command.</summary>
    /// <exception cref="TextureBiasException">The first wrong path, in one line naming the option, the path and the cause.</exception>
    public static void Check(ParseResult parsed)
    {
        foreach (var option in parsed.CommandResult.Command.Options)
        {
            if (!Roles.TryGetValue(option, out var declared) || parsed.GetResult(option) is not { } result) continue;
            foreach (var token in result.Tokens)
            {
                string value = token.Value;
                switch (declared.Role)
                {
                    case Role.OutputFile: OutputPaths.CheckFile(option.Name, value); break;
                    case Role.OutputFolder: OutputPaths.CheckFolder(option.Name, value); break;
                    case Role.InputFile: InputPaths.CheckFile(option.Name, value); break;
                    case Role.InputFolder: InputPaths.CheckFolder(option.Name, value); break;
                    case Role.InputFolderList:
                        foreach (var folder in value.Split(',', StringSplitOptions.RemoveEmptyEntries)) InputPaths.CheckFolder(option.Name, folder);
                        break;
                }
            }
        }
    }
}
