using System.Globalization;
using System.Text.Json;
using TextureBias.Tests.Training;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>`texturebias train` keeps finished runs, and `evaluate` on its checkpoint reproduces its validation.</summary>
public class TrainCommandTests : TempDirTest
{
    [Fact]
    public void TrainRefusesAFinishedRunUnlessResumedOrOverwrittenAndEvaluateReproducesItsValidation()
    {
        var train = ColourFolders.Make(Path.Combine(_dir, "train"), 4, 1);
        var val = ColourFolders.Make(Path.Combine(_dir, "val"), 4, 2);
        var run = Path.Combine(_dir, "run");
        string[] Train(int epochs, params string[] extra) =>
            new[] { "train", "--arch", "resnet18", "--train", train, "--val", val, "--out", run }.Concat(ColourFolders.TinyArguments(epochs)).Concat(extra).ToArray();

        var first = CliRunner.Run(Train(1));
        CliRunner.AssertNoStackTrace(first);
        Assert.Equal(0, first.ExitCode);
        var checkpoint = Path.Combine(run, "checkpoint.pth.tar");
        var bytes = File.ReadAllBytes(checkpoint);

        var again = CliRunner.Run(Train(1));
        Assert.Equal(2, again.ExitCode);
        CliRunner.AssertNoStackTrace(again);
        var line = Assert.Single(again.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("texturebias:"));
        Assert.Contains($"{run} already holds a training run", line);
        Assert.Contains("--resume", line);
        Assert.Contains("--overwrite", line);
        Assert.Equal(bytes, File.ReadAllBytes(checkpoint));

        var overwritten = CliRunner.Run(Train(1, "--overwrite"));
        Assert.True(overwritten.ExitCode == 0, overwritten.Stderr);
        var resumed = CliRunner.Run(Train(2, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal(3, metrics.Length); // header, epochs 1 and 2
        double valTop1 = double.Parse(metrics[^1].Split(',')[5], CultureInfo.InvariantCulture);

        // evaluate with no preprocessing options uses the checkpoint's (the validation transform at 16 pixels) and its class names.
        var csv = Path.Combine(_dir, "per-class.csv");
        var evaluated = CliRunner.Run("evaluate", "--weights", checkpoint, "--data", val, "--json", "--csv", csv);
        CliRunner.AssertNoStackTrace(evaluated);
        Assert.Equal(0, evaluated.ExitCode);
        Assert.Contains("preprocessing as the checkpoint records it: resize 18, crop 16", evaluated.Stderr);
        using var json = JsonDocument.Parse(evaluated.Stdout.Trim());
        Assert.Equal(valTop1, json.RootElement.GetProperty("top1").GetDouble(), 6);
        Assert.Equal(18, json.RootElement.GetProperty("resize").GetInt32());
        Assert.Equal(16, json.RootElement.GetProperty("crop").GetInt32());
        var red = File.ReadAllLines(csv).Single(l => l.StartsWith("red,"));

        // A folder with only some of the classes is scored by name: red stays output 2 with the same accuracy.
        var subset = Path.Combine(_dir, "red.txt");
        File.WriteAllText(subset, "red\n");
        var redCsv = Path.Combine(_dir, "red.csv");
        var onlyRed = CliRunner.Run("evaluate", "--weights", checkpoint, "--data", val, "--class-subset", subset, "--csv", redCsv);
        Assert.Equal(0, onlyRed.ExitCode);
        Assert.Equal(red, File.ReadAllLines(redCsv)[1]);
        Assert.StartsWith("red,2,4,", red);

        // Explicit sizes still win.
        var explicitSizes = CliRunner.Run("evaluate", "--weights", checkpoint, "--data", val, "--json", "--resize", "24", "--crop", "0");
        using var explicitJson = JsonDocument.Parse(explicitSizes.Stdout.Trim());
        Assert.Equal((24, 0), (explicitJson.RootElement.GetProperty("resize").GetInt32(), explicitJson.RootElement.GetProperty("crop").GetInt32()));
        Assert.DoesNotContain("as the checkpoint records it", explicitSizes.Stderr);
    }
}
