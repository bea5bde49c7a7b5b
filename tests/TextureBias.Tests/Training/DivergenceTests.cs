using TextureBias.Models;
using TextureBias.Tests.Cli;
using TextureBias.Models.Serialization;
using TextureBias.Training;
using Xunit;

namespace TextureBias.Tests.Training;

/// <summary>
/// A run whose loss or weights stop being finite stops with one clear error naming the step, and
/// the checkpoint it leaves is the last good one: no NaN weights are ever saved.
/// </summary>
public class DivergenceTests : TempDirTest
{
    [Fact]
    public void A_diverging_run_stops_and_keeps_the_last_good_checkpoint()
    {
        var train = ColourFolders.Make(Path.Combine(_dir, "train"), 4, 1);
        var run = Path.Combine(_dir, "run");
        // Epoch 1 at a sane rate; at epoch 2 the rate becomes 5e36, which sends the weights to infinity.
        var options = ColourFolders.Tiny with { Epochs = 3, ImageSize = 24, LearningRateSteps = new[] { 1 }, LearningRateGamma = 1e38 };
        var error = Assert.Throws<TextureBiasException>(() => Trainer.Run("resnet18", new[] { train }, null, run, options));
        Assert.StartsWith($"{run}: training diverged at step ", error.Message);
        Assert.Contains(" of epoch 2: ", error.Message);
        Assert.Contains("--lr", error.Message);

        var path = Path.Combine(run, Trainer.CheckpointFile);
        using (var checkpoint = WeightFile.Read(path))
        {
            Assert.Equal(1L, checkpoint.Metadata["epoch"]);
            Assert.All(checkpoint.StateDict.Values, t => Assert.True(t.isfinite().all().item<bool>()));
        }
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile)).Length); // the header and epoch 1

        // Resumed with a sane schedule, the run continues from epoch 1's checkpoint.
        var heard = new List<int>();
        var metrics = Trainer.Run("resnet18", new[] { train }, null, run, options with { LearningRateGamma = 0.1 }, resume: true, onEpoch: m => heard.Add(m.Epoch));
        Assert.Equal(3, metrics.Count);
        Assert.Equal(new[] { 1, 2, 3 }, heard); // the restored epoch first, then each as it was saved
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.TrainLoss)));
    }

    [Fact]
    public void The_command_says_so_in_one_line_and_exits_with_2()
    {
        var train = ColourFolders.Make(Path.Combine(_dir, "train"), 2, 1);
        var run = Path.Combine(_dir, "run");
        var arguments = new[] { "train", "--arch", "resnet18", "--train", train, "--out", run }.Concat(ColourFolders.TinyArguments(epochs: 2, imageSize: 24)).ToArray();
        arguments[Array.IndexOf(arguments, "--lr") + 1] = "1e38";
        var r = CliRunner.Run(arguments);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("epoch 1: lr ", r.Stdout); // the epoch that completed is shown, though the run failed after it
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        // Epoch 1's single step sent the weights to about 1e35 (still finite); epoch 2's loss is NaN.
        Assert.True(line.StartsWith($"texturebias: {run}: training diverged at step 1 of epoch 2: its loss is NaN. ", StringComparison.Ordinal), line);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile)).Length); // the header and epoch 1
        using var checkpoint = WeightFile.Read(Path.Combine(run, Trainer.CheckpointFile));
        Assert.Equal(1L, checkpoint.Metadata["epoch"]); // epoch 2 saved nothing
    }
}
