using TextureBias.Demo;
using TextureBias.Detection;
using TextureBias.Detection.Training;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Demo;

[Collection(nameof(GlobalRandomCollection))] // the random backbone is drawn after torch.manual_seed
public class MiniatureDetectorTests : TempDirTest
{
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

    /// <summary>The scenes with every object of one class, "object": what is learned is finding the world's objects and their boxes.</summary>
    private static DetectionDataset OneClass(DetectionDataset data) =>
        new(data.Name, new[] { "__background__", "object" }, data.Samples.Select(s => s with { Objects = s.Objects.Select(o => o with { Label = 1 }).ToList() }).ToList());

    /// <summary>
    /// A tiny Faster R-CNN (ResNet-18 of width 8 with data batch-norm statistics, FPN of 16 channels) trained briefly on 64-pixel
    /// scenes through the real paths (VOC devkit, <see cref="VocDataset"/>, <see cref="DetectionTrainer"/>, <see cref="FasterRcnn.Load"/>,
    /// <see cref="DetectionEvaluation"/>) must find the objects far better than boxes placed at random.
    /// </summary>
    [Fact]
    public void MiniatureDetectorLearnsWellAboveChance()
    {
        const int size = 64;
        var scenes = new DetectionScenes(size, seed: 4, ownTexture: 1.0, minObjects: 1, maxObjects: 2, minRadius: 0.2, maxRadius: 0.28, textureTile: 32);
        string devkit = Path.Combine(_dir, "VOCdevkit");
        scenes.WriteVoc(devkit, 128, 32);
        var train = OneClass(VocDataset.Load(devkit, new[] { "2007" }, "trainval", DetectionScenes.ClassNames));
        var test = OneClass(VocDataset.Load(devkit, new[] { "2007" }, "test", DetectionScenes.ClassNames));
        string backbone = Path.Combine(_dir, "resnet18.pth.tar");
        DetectionDemo.WriteRandomBackbone(backbone, 8, train.Samples.Take(32).Select(x => ImageDecoder.Decode(x.ImagePath)).ToList(), seed: 7);
        var model = FasterRcnnOptions.Torchvision with
        {
            TrainableBackboneLayers = 5, FpnChannels = 16, MinSize = size, MaxSize = size, AnchorSizes = new[] { 8, 16, 24, 32, 48 }, RepresentationSize = 64,
            RpnPreNmsTopNTrain = 300, RpnPostNmsTopNTrain = 150, RpnPreNmsTopNTest = 150, RpnPostNmsTopNTest = 75,
            RpnBatchSizePerImage = 64, BoxBatchSizePerImage = 64, BoxDetectionsPerImage = 20,
        };
        var options = new DetectionTrainingOptions { Model = model, Epochs = 10, Batch = 4, LearningRate = 0.02, LearningRateSteps = new[] { 8 }, WarmupIterations = 20, Seed = 3 };
        DetectionTrainer.Run(backbone, train, Path.Combine(_dir, "run"), options);

        string csv = Path.Combine(_dir, "detections.csv");
        using (var detector = FasterRcnn.Load(Path.Combine(_dir, "run", DetectionTrainer.CheckpointFile), model))
            DetectionEvaluation.Detect(detector, test, csv, vocCoordinates: true);
        var ap = DetectionEvaluation.ScoreVoc(test, DetectionFiles.ReadCsv(csv), VocApMetric.Area, csv);
        double chance = ChanceMap(test, perImage: 20, trials: 5, size);
        Assert.True(chance < 0.15, $"chance {chance:0.000}");
        Assert.True(ap.MeanAp > Math.Max(0.5, 4 * chance), $"mAP {ap.MeanAp:0.000}, chance {chance:0.000}");
    }
}
