using System.Collections.Concurrent;
using System.CommandLine;
using TextureBias.Cli;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>
/// Mistakes on the command line are one line (and a pointer to --help) with exit code 2, before
/// any work, in every command: the command tree is walked, so a new command is covered too.
/// </summary>
public sealed class UsageErrorTests : TempDirTest
{
    /// <summary>Every command of the tree with its words (<c>["weights", "fetch"]</c>; empty for the root).</summary>
    private static IEnumerable<(string[] Path, Command Command)> AllCommands()
    {
        var pending = new Stack<(string[] Path, Command Command)>();
        pending.Push((Array.Empty<string>(), Program.CreateRoot()));
        while (pending.Count > 0)
        {
            var (path, command) = pending.Pop();
            yield return (path, command);
            foreach (var sub in command.Subcommands) pending.Push(([.. path, sub.Name], sub));
        }
    }

    /// <summary>The option a test misspells: the command's first own option with a name of 4 letters or more, else the global --offline.</summary>
    private static string OptionToMisspell(Command command) =>
        command.Options.Select(o => o.Name).FirstOrDefault(n => n.StartsWith("--", StringComparison.Ordinal) && n.Length >= 6 && n != "--help" && n != "--version")
        ?? "--offline";

    /// <summary>Swaps two different neighbouring letters after the first: --weights → --wieghts, --offline → --offilne.</summary>
    private static string Misspell(string option)
    {
        var body = option[2..].ToCharArray();
        int i = Enumerable.Range(1, body.Length - 2).First(k => body[k] != body[k + 1]);
        (body[i], body[i + 1]) = (body[i + 1], body[i]);
        return "--" + new string(body);
    }

    [Fact]
    public void TheTreeHasTheCommandsThisTestMeansToCover()
    {
        var names = AllCommands().Select(c => string.Join(' ', c.Path)).ToList();
        foreach (var expected in new[] { "", "classify", "train", "bench train", "weights fetch", "weights import", "cue-conflict" })
            Assert.Contains(expected, names);
        Assert.True(names.Count >= 25, $"only {names.Count} commands found");
    }

    [Fact]
    public void AMisspeltOptionIsExitCodeTwoWithASuggestionInEveryCommand()
    {
        var cases = AllCommands().Select(c => (c.Path, Right: OptionToMisspell(c.Command))).ToList();
        var failures = new ConcurrentBag<string>();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c =>
        {
            string typo = Misspell(c.Right);
            string where = string.Join(' ', c.Path);
            Assert.NotEqual(c.Right, typo);
            var r = CliRunner.Run([.. c.Path, typo, "x"]);
            var lines = r.Stderr.Trim().Split('\n');
            string prefix = where.Length == 0 ? "texturebias: " : $"texturebias: {where}: ";
            string expected = $"{prefix}unknown option '{typo}' (did you mean {c.Right}?)";
            if (r.ExitCode != 2 || lines[0] != expected || lines.Length > 2 || r.Stdout.Length > 0
                || !r.Stderr.Contains($"texturebias {(where.Length == 0 ? "" : where + " ")}--help"))
                failures.Add($"texturebias {where} {typo} x: exit {r.ExitCode}, stderr: {r.Stderr.Trim()}, stdout: {r.Stdout.Length} chars");
        });
        Assert.True(failures.IsEmpty, "expected `" + "unknown option ... (did you mean ...?)` and exit 2:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void TrainEpochIsOneLineNotTheHelp()
    {
        var r = CliRunner.Run("train", "--epoch", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("texturebias: train: unknown option '--epoch' (did you mean --epochs?)", r.Stderr.Split('\n')[0]);
        Assert.True(r.Stderr.Trim().Split('\n').Length <= 2, r.Stderr);
        Assert.Empty(r.Stdout);
    }

    [Fact]
    public void AMisspeltOptionIsNotReadAsAnImagePath()
    {
        var r = CliRunner.Run("classify", "--wieghts", "x", Fixture.Images("rgb8.png"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("texturebias: classify: unknown option '--wieghts' (did you mean --weights?)", r.Stderr);
        Assert.DoesNotContain("no such file", r.Stderr); // not taken for a path
        Assert.DoesNotContain("classified", r.Stderr);

        // shape-bias --raw-data takes several files: an option-like word among them is a mistake too.
        var raw = CliRunner.Run("shape-bias", "--raw-data", "a.csv", "--jsno");
        Assert.Equal(2, raw.ExitCode);
        Assert.StartsWith("texturebias: shape-bias: unknown option '--jsno' (did you mean --json?)", raw.Stderr);
    }

    [Fact]
    public void AFileNamedLikeAnOptionGoesAfterTheDoubleDash()
    {
        File.Copy(Fixture.Repository("examples/chelsea.png"), Path.Combine(_dir, "--odd.png"));
        var r = CliRunner.RunIn(_dir, "classify", "--weights", Fixture.Weights("tiny-bagnet33.pth.tar"), "--resize", "64", "--crop", "56", "--", "--odd.png");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("--odd.png", r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "train" }, "texturebias: train: --arch, --train and --out are required")]
    [InlineData(new[] { "train", "--arch", "resnet18", "--train", "t", "--out", "o", "--epochs", "x" }, "texturebias: train: --epochs expects a whole number, not 'x'")]
    [InlineData(new[] { "stylize", "--vgg", "v", "--decoder", "d", "--alpha", "half" }, "texturebias: stylize: --alpha expects a number, not 'half'")]
    [InlineData(new[] { "heatmap", "--image", "i.png", "--out" }, "texturebias: heatmap: --out needs a value")]
    [InlineData(new[] { "weights", "import", "bagnet33" }, "texturebias: weights import: missing FILE")]
    [InlineData(new[] { "weights", "import", "bagnet33", "a", "b" }, "texturebias: weights import: unexpected argument 'b'")]
    [InlineData(new[] { "weights", "fecth" }, "texturebias: weights: unknown command 'fecth' (did you mean fetch?)")]
    [InlineData(new[] { "clasify", "x.png" }, "texturebias: unknown command 'clasify' (did you mean classify?)")]
    public void OtherMistakesAreOneLineToo(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.Equal(expected, lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("see: texturebias ", lines[1]);
        Assert.Empty(r.Stdout);
    }

    [Fact]
    public void HelpStillWorksAndAGroupWithoutItsCommandShowsItsHelp()
    {
        var help = CliRunner.Run("train", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--epochs", help.Stdout);

        var typoAndHelp = CliRunner.Run("classify", "--wieghts", "--help");
        Assert.Equal(0, typoAndHelp.ExitCode);
        Assert.Contains("--weights", typoAndHelp.Stdout);

        foreach (var args in new[] { Array.Empty<string>(), new[] { "weights" } })
        {
            var r = CliRunner.Run(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("Commands:", r.Stdout);
            Assert.Contains(args.Length == 0 ? "classify" : "fetch", r.Stdout);
        }
    }
}
