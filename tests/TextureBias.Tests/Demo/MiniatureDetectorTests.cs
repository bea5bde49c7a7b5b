using System.Diagnostics;
using TextureBias.Data;
using TextureBias.Demo;
using TextureBias.Detection;
using TextureBias.Detection.Training;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace TextureBias.Tests.Demo;

public class MiniatureDetectorTests : TempDirTest
{
    private readonly ITestOutputHelper _out;

    public MiniatureDetectorTests(ITestOutputHelper output) => _out = output;

    private static int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;
    private static double EnvD(string name, double fallback) => double.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>
    /// The mAP of a detector that knows nothing: on every test image, <paramref name="perImage"/> boxes of the ground truth's
    /// sizes (each drawn from the sizes of all test objects) at uniformly random places, with random classes and scores;
    /// the mean over <paramref name="trials"/> draws.
    /// </summary>
    private static double ChanceMap(DetectionDataset test, int perImage, int trials, int size)
    {
        var truth = VocDataset.GroundTruth(test);
        var sizes = test.Samples.SelectMany(s => s.Objects).Select(o => (W: o.X2 - o.X1, H: o.Y2 - o.Y1)).ToList();
        double sum = 0;
        for (int t = 0; t < trials; t++)
        {
            var rng = new Random(1000 + t);
            var detections = new List<VocDetection>();
            foreach (var s in test.Samples)
                for (int k = 0; k < perImage; k++)
                {
                    var (w, h) = sizes[rng.Next(sizes.Count)];
                    double x = rng.NextDouble() * (size - w), y = rng.NextDouble() * (size - h);
                    var (x1, y1, x2, y2) = VocDataset.ToVoc((float)x, (float)y, (float)(x + w), (float)(y + h));
                    detections.Add(new VocDetection(s.Id, test.ClassNames[1 + rng.Next(test.ClassNames.Count - 1)], rng.NextDouble(), x1, y1, x2, y2));
                }
            sum += VocAp.Evaluate(truth, detections, test.ClassNames.Skip(1).ToList(), VocApMetric.Area).MeanAp;
        }
        return sum / trials;
    }

    [Fact]
    public void MiniatureDetectorLearnsWellAboveChance()
    {
        int size = Env("TB_SIZE", 64), trainN = Env("TB_TRAIN", 96), testN = Env("TB_TEST", 32), epochs = Env("TB_EPOCHS", 6), batch = Env("TB_BATCH", 4);
        var scenes = new DetectionScenes(size, seed: 4, ownTexture: 1.0, minObjects: 1, maxObjects: 2, minRadius: 0.2, maxRadius: 0.28, textureTile: 32);
        string devkit = Path.Combine(_dir, "VOCdevkit");
        var clock = Stopwatch.StartNew();
        scenes.WriteVoc(devkit, trainN, testN);
        var train = VocDataset.Load(devkit, new[] { "2007" }, "trainval", DetectionScenes.ClassNames);
        var test = VocDataset.Load(devkit, new[] { "2007" }, "test", DetectionScenes.ClassNames);
        _out.WriteLine($"scenes {clock.Elapsed.TotalSeconds:0.0}s");

        string backbone = Path.Combine(_dir, "resnet18.pth.tar");
        DetectionDemo.WriteRandomBackbone(backbone, Env("TB_WIDTH", 8), train.Samples.Take(32).Select(x => ImageDecoder.Decode(x.ImagePath)).ToList(), seed: 7);
        var model = FasterRcnnOptions.Torchvision with
        {
            TrainableBackboneLayers = 5, FpnChannels = Env("TB_FPN", 16), MinSize = size, MaxSize = size,
            AnchorSizes = new[] { 8, 16, 24, 32, 48 }, RepresentationSize = Env("TB_REPR", 64),
            RpnPreNmsTopNTrain = 300, RpnPostNmsTopNTrain = 150, RpnPreNmsTopNTest = 150, RpnPostNmsTopNTest = 75,
            RpnBatchSizePerImage = 64, BoxBatchSizePerImage = 64, BoxDetectionsPerImage = 20,
        };
        var options = new DetectionTrainingOptions
        {
            Model = model, Epochs = epochs, Batch = batch, LearningRate = EnvD("TB_LR", 0.02), LearningRateSteps = new[] { epochs - 1 }, WarmupIterations = 10, Seed = 3,
        };
        var proc = Process.GetCurrentProcess();
        var cpu = proc.TotalProcessorTime;
        clock.Restart();
        var metrics = DetectionTrainer.Run(backbone, train, Path.Combine(_dir, "run"), options);
        proc.Refresh();
        _out.WriteLine($"train {clock.Elapsed.TotalSeconds:0.0}s cpu {(proc.TotalProcessorTime - cpu).TotalSeconds:0.0}s: " + string.Join(" | ", metrics.Select(m => $"{m.Loss:0.000} ({m.ImagesPerS:0.0}/s)")));

        clock.Restart();
        string csv = Path.Combine(_dir, "detections.csv");
        using (var detector = FasterRcnn.Load(Path.Combine(_dir, "run", DetectionTrainer.CheckpointFile), model))
            DetectionEvaluation.Detect(detector, test, csv, vocCoordinates: true);
        var ap = DetectionEvaluation.ScoreVoc(test, DetectionFiles.ReadCsv(csv), VocApMetric.Area, csv);
        double chance = ChanceMap(test, perImage: 20, trials: 5, size);
        _out.WriteLine($"eval {clock.Elapsed.TotalSeconds:0.0}s: mAP {ap.MeanAp:0.000}, chance {chance:0.000}; " + string.Join(", ", ap.Classes.Select(c => $"{c.ClassName} {c.Ap:0.00}")));
        Assert.True(ap.MeanAp > Math.Max(0.3, 5 * chance), $"mAP {ap.MeanAp:0.000}, chance {chance:0.000}");
    }
}
