using TextureBias.Models.Serialization;
using TextureBias.Training;
using Xunit;

namespace TextureBias.Tests.Training;

/// <summary>A finished run is never lost unasked: a folder holding one is refused unless resumed or overwritten.</summary>
public class RunFolderTests : TempDirTest
{
    private readonly string _train;

    public RunFolderTests() => _train = ColourFolders.Make(Path.Combine(_dir, "train"), 4, 1);

    private IReadOnlyList<EpochMetrics> Train(string run, TrainingOptions options, bool resume = false) =>
        Trainer.Run("resnet18", new[] { _train }, null, run, options, resume);

    private static long Epoch(string checkpoint)
    {
        using var c = WeightFile.Read(checkpoint);
        return (long)c.Metadata["epoch"]!;
    }

    [Fact]
    public void AFolderWithARunIsRefusedAndLeftAsItWas()
    {
        var run = Path.Combine(_dir, "run");
        Train(run, ColourFolders.Tiny with { Epochs = 2 });
        var before = Trainer.RunFiles.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(run, f)));

        var e = Assert.Throws<TextureBiasException>(() => Train(run, ColourFolders.Tiny));
        Assert.Contains(run, e.Message);
        Assert.Contains("--resume", e.Message);
        Assert.Contains("--overwrite", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(run, file)));

        // Any one file of a run is enough to refuse.
        var partial = Path.Combine(_dir, "partial");
        Directory.CreateDirectory(partial);
        File.WriteAllText(Path.Combine(partial, Trainer.MetricsFile), "old");
        Assert.Contains(Trainer.MetricsFile, Assert.Throws<TextureBiasException>(() => Train(partial, ColourFolders.Tiny)).Message);
        // Resuming needs the checkpoint; both at once is a contradiction.
        Assert.Contains("no checkpoint.pth.tar", Assert.Throws<TextureBiasException>(() => Train(partial, ColourFolders.Tiny, resume: true)).Message);
        Assert.Contains("give one of them", Assert.Throws<TextureBiasException>(() => Train(run, ColourFolders.Tiny with { Overwrite = true }, resume: true)).Message);
        Assert.Equal("old", File.ReadAllText(Path.Combine(partial, Trainer.MetricsFile)));
    }

    [Fact]
    public void OverwriteDeletesTheOldRunSoNothingStaleSurvives()
    {
        var run = Path.Combine(_dir, "run");
        Train(run, ColourFolders.Tiny with { Epochs = 2 });
        var leftover = Path.Combine(run, ".metrics.csv.123.abc.tmp"); // an interrupted atomic write
        File.WriteAllText(leftover, "partial");
        var notes = Path.Combine(run, "notes.txt"); // not the run's: kept
        File.WriteAllText(notes, "mine");

        // A run that fails before training (bad data) deletes nothing.
        Assert.Throws<TextureBiasException>(() => Trainer.Run("resnet18", new[] { Path.Combine(_dir, "missing") }, null, run, ColourFolders.Tiny with { Overwrite = true }));
        Assert.Equal(2, Epoch(Path.Combine(run, Trainer.CheckpointFile)));

        // Stopped in its first epoch, the new run has only its checkpoint: the old metrics and best model are gone.
        using (var cancel = new CancellationTokenSource())
            Assert.Throws<TrainingInterruptedException>(() => Trainer.Run("resnet18", new[] { _train }, null, run, ColourFolders.Tiny with { Overwrite = true },
                progress: (_, _, _, _) => cancel.Cancel(), cancel: cancel.Token));
        Assert.Equal(new[] { Trainer.CheckpointFile }, Trainer.ExistingRunFiles(run));
        Assert.Equal(0, Epoch(Path.Combine(run, Trainer.CheckpointFile)));
        Assert.False(File.Exists(leftover));
        Assert.Equal("mine", File.ReadAllText(notes));

        var metrics = Train(run, ColourFolders.Tiny with { Epochs = 1, Overwrite = true });
        Assert.Single(metrics);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile)).Length); // header and epoch 1, not the old epoch 2
        Assert.Equal(1, Epoch(Path.Combine(run, Trainer.CheckpointFile)));
        Assert.Equal(1, Epoch(Path.Combine(run, Trainer.BestFile)));
    }

    [Fact]
    public void ResumeContinuesTheRun()
    {
        var run = Path.Combine(_dir, "run");
        var first = Train(run, ColourFolders.Tiny);
        var continued = Train(run, ColourFolders.Tiny with { Epochs = 2 }, resume: true);
        Assert.Equal(new[] { 1, 2 }, continued.Select(m => m.Epoch));
        Assert.Equal(first[0].TrainLoss, continued[0].TrainLoss, 6); // epoch 1 read back, not trained again
        Assert.Equal(2, Epoch(Path.Combine(run, Trainer.CheckpointFile)));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile)).Length);

        // The run knows its architecture and classes: continuing it otherwise is refused.
        Assert.Contains("trains resnet18, not bagnet9",
            Assert.Throws<TextureBiasException>(() => Trainer.Run("bagnet9", new[] { _train }, null, run, ColourFolders.Tiny with { Epochs = 3 }, resume: true)).Message);
        var other = ColourFolders.Make(Path.Combine(_dir, "other"), 2, 2, new[] { "blue", "red" });
        Assert.Contains("other classes",
            Assert.Throws<TextureBiasException>(() => Trainer.Run("resnet18", new[] { other }, null, run, ColourFolders.Tiny with { Epochs = 3 }, resume: true)).Message);
    }

    [Fact]
    public void AnInterruptedRunSaysWhereItStoppedAndResumes()
    {
        var run = Path.Combine(_dir, "run");
        using var cancel = new CancellationTokenSource();
        var stopped = Assert.Throws<TrainingInterruptedException>(() => Trainer.Run("resnet18", new[] { _train }, null, run, ColourFolders.Tiny with { Epochs = 2 },
            progress: (epoch, step, steps, loss) => { if (epoch == 1 && step == 1) cancel.Cancel(); }, cancel: cancel.Token));
        Assert.Equal((1, 1, 2), (stopped.Epoch, stopped.Step, stopped.StepsPerEpoch));
        Assert.Equal(Path.Combine(run, Trainer.CheckpointFile), stopped.Checkpoint);
        Assert.Contains(stopped.Checkpoint, stopped.Message);
        // The interrupted run is a run: refused without --resume, continued with it.
        Assert.Throws<TextureBiasException>(() => Train(run, ColourFolders.Tiny with { Epochs = 2 }));
        Assert.Equal(2, Train(run, ColourFolders.Tiny with { Epochs = 2 }, resume: true).Count);
    }
}
