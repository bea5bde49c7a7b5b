using TextureBias.Demo;
using TextureBias.Imaging;
using TextureBias.Training;
using Xunit;

namespace TextureBias.Tests.Demo;

public class DetectionDemoTests : TempDirTest
{
    private static DetectorResult Detector(string backbone, double map) =>
        new($"detector-{backbone}", DetectionDemo.Label(backbone), backbone, map, map, new Dictionary<string, double>(), 0.5, 0);

    [Theory]
    [InlineData(0.50, 0.60, true, "Agrees with the paper")]
    [InlineData(0.60, 0.50, false, "Does not agree with the paper")]
    [InlineData(0.50, 0.51, false, "Inconclusive")]
    public void JudgesTheGapBetweenTheBackbones(double natural, double stylized, bool better, string opening)
    {
        var (stylizedBetter, finding) = DetectionDemo.Judge(new[] { Detector("natural", natural), Detector("stylized", stylized), Detector("random", 0.1) });
        Assert.Equal(better, stylizedBetter);
        Assert.StartsWith(opening, finding);
        Assert.Contains($"{100 * stylized:0.0}%", finding);
        Assert.Contains($"{100 * natural:0.0}%", finding);
        Assert.Contains("10.0% from random weights", finding);
    }

    [Fact]
    public void RunsOnADemoFolderReusesItsStagesAndRefusesOtherSettings()
    {
        var demo = DemoOptions.Quick with { ImageSize = 32, Width = 8, Seed = 1 };
        var options = DetectionDemoOptions.Quick with { SceneSize = 64, TrainScenes = 8, TestScenes = 3, Epochs = 1, Batch = 4, WarmupIterations = 1, RandomBaseline = false };
        // The demo's two ResNet-18s, as the demo leaves them (random here: the section only needs their files).
        var images = Enumerable.Range(0, 4).Select(i => new DetectionScenes(64, seed: 9, textureTile: 32).Render(i).Image).ToList();
        foreach (var (kind, seed) in new[] { ("natural", 1), ("stylized", 2) })
        {
            string dir = Path.Combine(_dir, "models", $"resnet18-{kind}");
            Directory.CreateDirectory(dir);
            DetectionDemo.WriteRandomBackbone(Path.Combine(dir, Trainer.CheckpointFile), 8, images, seed);
        }

        var result = DetectionDemo.Run(_dir, demo, options);
        Assert.Equal(new[] { "natural", "stylized" }, result.Detectors.Select(d => d.Backbone));
        Assert.Equal((8, 3), (result.TrainScenes, result.TestScenes));
        Assert.All(result.Detectors, d => Assert.InRange(d.MeanAp, 0, 1));
        Assert.Equal(100 * (result.Detectors[1].MeanAp - result.Detectors[0].MeanAp) > DetectionDemoResult.Margin, result.StylizedBetter);
        Assert.Equal(3, result.Table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        Assert.True(ImageDecoder.Decode(result.Figure).Width > 64);
        string section = Path.Combine(_dir, DetectionDemo.Folder);
        foreach (var file in new[] { "results.json", "results.txt", "VOCdevkit/VOC2007/ImageSets/Main/test.txt", "models/detector-natural/checkpoint.pth", "results/detector-stylized-detections.csv" })
            Assert.True(File.Exists(Path.Combine(section, file)), file);

        // Again: every stage is reused (no detector retrained), the same numbers come back.
        string checkpoint = Path.Combine(section, "models", "detector-natural", "checkpoint.pth");
        var written = File.GetLastWriteTimeUtc(checkpoint);
        var again = DetectionDemo.Run(_dir, demo, options);
        Assert.Equal(written, File.GetLastWriteTimeUtc(checkpoint));
        Assert.Equal(result.Detectors.Select(d => d.MeanAp), again.Detectors.Select(d => d.MeanAp));

        var e = Assert.Throws<TextureBiasException>(() => DetectionDemo.Run(_dir, demo, options with { Epochs = 2 }));
        Assert.Contains("epochs 1 there, epochs 2 now", e.Message);
    }

    [Fact]
    public void TheDemosFingerprintIsTheSameWithOrWithoutTheDetectionSection()
    {
        Assert.Equal(DemoOptions.Full.Fingerprint(), (DemoOptions.Full with { Detection = DetectionDemoOptions.Full }).Fingerprint());
        Assert.NotEqual(DetectionDemoOptions.Full.Fingerprint(), DetectionDemoOptions.Quick.Fingerprint());
    }
}
