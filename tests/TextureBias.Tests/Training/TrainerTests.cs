using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Training;
using Xunit;

namespace TextureBias.Tests.Training;

public class TrainerTests : TempDirTest
{
    /// <summary>Three classes told apart by colour: red, green and blue images with noise.</summary>
    private string MakeData(string name, int perClass, int seed)
    {
        var root = Path.Combine(_dir, name);
        var rng = new Random(seed);
        string[] classes = { "blue", "green", "red" };
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < perClass; i++)
            {
                var px = new byte[40 * 40 * 3];
                for (int p = 0; p < px.Length; p++)
                    px[p] = (byte)Math.Clamp((p % 3 == 2 - c ? 190 : 60) + rng.Next(-50, 50), 0, 255);
                TestImages.WritePng(Path.Combine(root, classes[c], $"{i}.png"), new RgbImage(40, 40, px));
            }
        return root;
    }

    private static TrainingOptions Small => new()
    {
        Epochs = 3, Batch = 6, LearningRate = 0.05, NumClasses = 3, ImageSize = 32, LearningRateSteps = new[] { 2 }, Seed = 3,
    };

    [Fact]
    public void SmallDatasetIsLearnedAndCheckpointsLoadBack()
    {
        var train = MakeData("train", 10, 1);
        var val = MakeData("val", 4, 2);
        File.WriteAllText(Path.Combine(train, "red", "broken.png"), "not a png");
        var failures = new List<ImageFailure>();
        var run = Path.Combine(_dir, "run");
        var metrics = Trainer.Run("resnet18", new[] { train }, val, run, Small with { Epochs = 4 }, onFailure: failures.Add);
        Assert.Equal(4, metrics.Count);
        Assert.True(metrics[^1].ValTop1 >= 90, $"val top-1 {metrics[^1].ValTop1}");
        Assert.Contains(failures, f => f.Path.EndsWith("broken.png"));
        Assert.Equal(0.005, metrics[^1].LearningRate, 9); // stepped at epoch 2
        Assert.Equal(5, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);

        // The checkpoint is pytorch/examples' dict; its state_dict loads into the architecture.
        using var checkpoint = WeightFile.Read(Path.Combine(run, "checkpoint.pth.tar"));
        Assert.Equal(4L, checkpoint.Metadata["epoch"]);
        Assert.Equal("resnet18", checkpoint.Metadata["arch"]);
        Assert.True(File.Exists(Path.Combine(run, "model_best.pth.tar")));
        using var model = Architectures.Create("resnet18", 3);
        ModelWeights.Load(model, Path.Combine(run, "checkpoint.pth.tar"));
    }

    [Fact]
    public void APublishedDenseNetWithLegacyKeysInitialisesTraining()
    {
        // --init with a file in the published DenseNets' key spelling (norm.1, conv.1, ...) must start
        // from its weights, not keep the fresh ones under the new names. Learning rate 0: they stay.
        var train = MakeData("train-init", 2, 8);
        using var source = Architectures.Create("densenet121");
        source.ResetParameters(new TorchSharp.torch.Generator(11UL));
        var legacy = source.state_dict().Where(kv => !kv.Key.EndsWith("num_batches_tracked"))
            .ToDictionary(kv => kv.Key.Contains(".denselayer") ? kv.Key.Replace(".conv1.", ".conv.1.").Replace(".norm1.", ".norm.1.").Replace(".conv2.", ".conv.2.").Replace(".norm2.", ".norm.2.") : kv.Key, kv => kv.Value);
        string init = Path.Combine(_dir, "densenet121-a639ec97.pth");
        WeightFile.Save(init, legacy, legacy: true);
        var run = Path.Combine(_dir, "run-init");
        Trainer.Run("densenet121", new[] { train }, null, run, Small with { Epochs = 1, Batch = 6, NumClasses = 3, LearningRate = 0, Init = init });
        using var trained = WeightFile.Read(Path.Combine(run, "checkpoint.pth.tar"));
        foreach (var key in new[] { "features.denseblock1.denselayer1.conv1.weight", "features.denseblock4.denselayer16.conv2.weight", "features.conv0.weight" })
            Assert.True(trained.StateDict[key].equal(source.state_dict()[key]).all().item<bool>(), key);
    }

    [Theory]
    [InlineData("bagnet9")]
    [InlineData("bagnet17")]
    [InlineData("bagnet33")]
    [InlineData("resnet50")]
    [InlineData("vgg16")]
    [InlineData("densenet121")]
    [InlineData("googlenet")]
    public void EveryArchitectureTrains(string arch)
    {
        var train = MakeData("train-" + arch, 2, 6);
        var subset = Path.Combine(_dir, "subset.txt");
        File.WriteAllText(subset, "blue\nred\n");
        using var probe = Architectures.Create(arch, 2);
        var metrics = Trainer.Run(arch, new[] { train }, null, Path.Combine(_dir, "run-" + arch), Small with
        {
            Epochs = 1, Batch = 4, Accumulate = 2, NumClasses = 2, ImageSize = Math.Max(32, probe.MinimumInputSize), ClassSubset = subset,
        });
        Assert.Single(metrics);
        Assert.False(double.IsNaN(metrics[0].TrainLoss));
        Assert.True(metrics[0].TrainLoss > 0);
        if (probe.MinimumInputSize > 8)
        {
            var small = Assert.Throws<TextureBiasException>(() => Trainer.Run(arch, new[] { train }, null, Path.Combine(_dir, "x-" + arch), Small with { ImageSize = 8 }));
            Assert.Contains("--image-size", small.Message);
        }
    }

    [Fact]
    public void ResumingAfterAnInterruptionReproducesTheUninterruptedRun()
    {
        var train = MakeData("train", 6, 4);
        var val = MakeData("val", 2, 5);
        var straight = Trainer.Run("resnet18", new[] { train }, val, Path.Combine(_dir, "straight"), Small);

        var resumedDir = Path.Combine(_dir, "resumed");
        using (var cancel = new CancellationTokenSource())
        {
            // Stop in the middle of epoch 2 (after its first step): the step finishes and is saved.
            Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run("resnet18", new[] { train }, val, resumedDir, Small, progress: (epoch, step, steps, loss) =>
            {
                if (epoch == 2 && step == 1) cancel.Cancel();
            }, cancel: cancel.Token));
        }
        var resumed = Trainer.Run("resnet18", new[] { train }, val, resumedDir, Small, resume: true);
        Assert.Equal(straight.Count, resumed.Count);
        for (int i = 0; i < straight.Count; i++)
        {
            Assert.Equal(straight[i].TrainLoss, resumed[i].TrainLoss, 5);
            Assert.Equal(straight[i].TrainTop1, resumed[i].TrainTop1, 6);
            Assert.Equal(straight[i].ValTop1, resumed[i].ValTop1, 6);
        }
    }
}
