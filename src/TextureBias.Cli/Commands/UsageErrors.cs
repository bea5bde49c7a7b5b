using System.CommandLine;
using System.CommandLine.Parsing;
using TextureBias.Data;

namespace TextureBias.Cli.Commands;

/// <summary>
/// Mistakes on the command line, found after parsing and before a command runs: an unknown or
/// misspelt option (also one that a command taking several paths would otherwise read as a
/// path), an unknown command, a missing option or argument, a value of the wrong type, a wrong
/// path (<see cref="PathOptions"/>). Each is one line on stderr (with a suggestion where one is
/// close, and where to read more) and exit code 2; a command group given without its command
/// (<c>texturebias</c>, <c>texturebias weights</c>) prints its help and exits with 2.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The exit code when the command must not run, after saying why; null when it may run.</summary>
    public static int? Report(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        bool ownAction = parsed.Action is not null && parsed.Action == command.Action;
        if (parsed.Errors.Count == 0 && !ownAction) return null; // --help, --version, directives
        string where = CommandPath(parsed.CommandResult);
        string? mistake = Describe(parsed, command);
        if (mistake is null && parsed.Errors.Count > 0 && command.Subcommands.Count > 0 && command.Action is null)
        {
            // A command group without its command: what it offers.
            var path = where.Length == 0 ? Array.Empty<string>() : where.Split(' ');
            parsed.RootCommandResult.Command.Parse([.. path, "--help"]).Invoke();
            return CommandRunner.Failed;
        }
        if (mistake is null && parsed.Errors.Count > 0) mistake = parsed.Errors[0].Message.TrimEnd('.');
        if (mistake is not null)
        {
            Console.Error.WriteLine($"texturebias: {(where.Length == 0 ? "" : where + ": ")}{mistake}");
            Console.Error.WriteLine($"see: texturebias {(where.Length == 0 ? "" : where + " ")}--help");
            return CommandRunner.Failed;
        }
        try
        {
            PathOptions.Check(parsed);
            return null;
        }
        catch (TextureBiasException e)
        {
            Console.Error.WriteLine($"texturebias: {e.Message}");
            return CommandRunner.Failed;
        }
    }

    /// <summary>The first mistake in words, or null if there is none (or only a missing command).</summary>
    private static string? Describe(ParseResult parsed, Command command)
    {
        // Option-like tokens that are no option: misspelt, or meant for another command. A command
        // taking several paths reads them as paths; a file of such a name goes after "--".
        foreach (var token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) break;
            if (token.Type == TokenType.Argument && LooksLikeOption(token.Value)) return UnknownOption(token.Value, command);
        }
        foreach (var token in parsed.UnmatchedTokens)
        {
            if (command.Subcommands.Count > 0)
            {
                string? close = Spelling.Closest(token, command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)));
                return $"unknown command '{token}'" + (close is null ? "" : $" (did you mean {close}?)");
            }
            return $"unexpected argument '{token}'";
        }
        var missing = OptionsOf(command).Where(o => o.Required && parsed.GetResult(o) is not { IdentifierTokenCount: > 0 }).Select(o => o.Name).Distinct().ToList();
        if (missing.Count > 0)
            return missing.Count == 1 ? $"{missing[0]} is required" : $"{string.Join(", ", missing.SkipLast(1))} and {missing[^1]} are required";
        foreach (var error in parsed.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult o when o.Tokens.Count == 0:
                    return $"{o.Option.Name} needs a value";
                case OptionResult o:
                    return $"{o.Option.Name} expects {Expected(o.Option.ValueType)}, not '{string.Join(" ", o.Tokens.Select(t => t.Value))}'";
                case ArgumentResult a when a.Tokens.Count < a.Argument.Arity.MinimumNumberOfValues:
                    return $"missing {a.Argument.Name}";
                case ArgumentResult a:
                    return $"{a.Argument.Name} expects {Expected(a.Argument.ValueType)}, not '{string.Join(" ", a.Tokens.Select(t => t.Value))}'";
            }
        }
        return null;
    }

    private static string UnknownOption(string token, Command command)
    {
        string name = token.Split('=', 2)[0];
        string? close = Spelling.Closest(name, OptionsOf(command).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)));
        return $"unknown option '{name}'" + (close is null ? "" : $" (did you mean {close}?)");
    }

    /// <summary>Whether a token is meant as an option: <c>--name</c>, or <c>-x</c> with a letter (not a negative number).</summary>
    private static bool LooksLikeOption(string value) =>
        (value.Length > 2 && value.StartsWith("--", StringComparison.Ordinal)) || (value.Length >= 2 && value[0] == '-' && char.IsLetter(value[1]));

    /// <summary>The options a command accepts: its own and the recursive ones of the commands above it.</summary>
    private static IEnumerable<Option> OptionsOf(Command command)
    {
        var options = new List<Option>(command.Options);
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            options.AddRange(parent.Options.Where(o => o.Recursive));
        return options;
    }

    /// <summary>"classify", "weights fetch"; empty for the root command.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c && c.Parent is not null; r = r.Parent) names.Insert(0, c.Command.Name);
        return string.Join(" ", names);
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(bool)) return "true or false";
        return "a valid value";
    }
}
