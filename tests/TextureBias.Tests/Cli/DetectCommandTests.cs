using System.Text.Json.Nodes;
using TextureBias.Detection;
using TextureBias.Imaging;
using TextureBias.Tests.Detection;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

/// <summary><c>texturebias detect</c> and <c>detect-eval --weights</c> with a tiny random detector.</summary>
public class DetectCommandTests : TempDirTest
{
    [Fact]
    public void RegisteredNamesOfTheWrongKindAreRefusedInOneLine()
    {
        string imagePath = Path.Combine(_dir, "scene.png");
        TestImages.WritePng(imagePath, new RgbImage(8, 8, new byte[8 * 8 * 3]));
        // A classifier's name is not a detector (refused before anything is downloaded) ...
        CliRunner.AssertOneLineError(CliRunner.Run("detect", "--weights", "resnet50", "--image", imagePath),
            "'resnet50' is classifier weights, not detector weights");
        string devkit = Path.Combine(_dir, "VOCdevkit");
        DetectionEvaluationTests.WriteDevkit(devkit);
        CliRunner.AssertOneLineError(CliRunner.Run("detect-eval", "--weights", "bagnet33", "--voc", devkit, "--out", Path.Combine(_dir, "eval")),
            "'bagnet33' is classifier weights, not detector weights");
        // ... and the detector's name is not a classifier.
        CliRunner.AssertOneLineError(CliRunner.Run("classify", "--weights", "fasterrcnn_resnet50_fpn_coco", imagePath),
            "'fasterrcnn_resnet50_fpn_coco' is detector weights, not classifier weights");
        // An unknown name lists the registered detectors.
        var unknown = CliRunner.Run("detect", "--weights", "fasterrcnn_coco", "--image", imagePath);
        CliRunner.AssertNoStackTrace(unknown);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no registered detector weights of that name (known: fasterrcnn_resnet50_fpn_coco)", unknown.Stderr);
    }

    [Fact]
    public void DetectWritesTheModelsBoxesAsJsonAndDrawsThem()
    {
        string weights = Path.Combine(_dir, "tiny.pth");
        using (var model = new FasterRcnn(DetectionEvaluationTests.Tiny)) model.Save(weights);
        var px = new byte[56 * 44 * 3];
        new Random(3).NextBytes(px);
        var image = new RgbImage(56, 44, px);
        string imagePath = Path.Combine(_dir, "scene.png");
        TestImages.WritePng(imagePath, image);
        string png = Path.Combine(_dir, "boxes.png"), json = Path.Combine(_dir, "boxes.json");

        var r = CliRunner.Run("detect", "--weights", weights, "--image", imagePath, "--score-threshold", "0.045",
            "--min-size", "64", "--max-size", "96", "--out", png, "--json", json);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);

        // The same through the library: torchvision's options with the sizes and score threshold given.
        using var reference = FasterRcnn.Load(weights, FasterRcnnOptions.Torchvision with { MinSize = 64, MaxSize = 96, BoxScoreThreshold = 0.045f });
        Detections d;
        using (no_grad()) d = reference.Detect([image.ToTensor()])[0];
        var boxes = d.Boxes.data<float>().ToArray();
        var labels = d.Labels.data<long>().ToArray();
        var scores = d.Scores.data<float>().ToArray();
        var written = JsonNode.Parse(File.ReadAllText(json))!;
        var wb = written["boxes"]!.AsArray();
        Assert.True(labels.Length > 0);
        Assert.Equal(labels.Length, wb.Count);
        for (int i = 0; i < labels.Length; i++)
        {
            for (int k = 0; k < 4; k++) Assert.Equal(boxes[4 * i + k], (float)wb[i]![k]!);
            Assert.Equal(labels[i], (long)written["labels"]![i]!);
            Assert.Equal(VocDataset.ClassNames[(int)labels[i]], (string)written["label_names"]![i]!);
            Assert.Equal(scores[i], (float)written["scores"]![i]!);
        }
        var drawn = ImageDecoder.Decode(png);
        Assert.Equal((56, 44), (drawn.Width, drawn.Height));
        Assert.NotEqual(image.Pixels, drawn.Pixels);
    }

    [Fact]
    public void DetectRunsACheckpointAtTheSizesItWasTrainedAt()
    {
        // A detect-train checkpoint records its anchor and image sizes; without --min-size/--max-size detect uses them.
        var tiny = DetectionEvaluationTests.Tiny with { AnchorSizes = new[] { 8, 16, 32, 64, 128 } };
        string weights = Path.Combine(_dir, "checkpoint.pth");
        using (var model = new FasterRcnn(tiny))
            TextureBias.Models.Serialization.WeightFile.SaveTree(weights, new Dictionary<string, object?>
            {
                ["model"] = new TextureBias.Models.Serialization.LegacyTorchWriter.OrderedState(model.state_dict().Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList()),
                [FasterRcnn.AnchorSizesKey] = "8,16,32,64,128", [FasterRcnn.MinSizeKey] = 64L, [FasterRcnn.MaxSizeKey] = 96L,
            });
        var px = new byte[56 * 44 * 3];
        new Random(5).NextBytes(px);
        var image = new RgbImage(56, 44, px);
        string imagePath = Path.Combine(_dir, "scene.png"), json = Path.Combine(_dir, "boxes.json");
        TestImages.WritePng(imagePath, image);
        var r = CliRunner.Run("detect", "--weights", weights, "--image", imagePath, "--score-threshold", "0.045", "--json", json);
        Assert.True(r.ExitCode == 0, r.Stderr);

        // The same through the library, every size given.
        using var reference = FasterRcnn.Load(weights, FasterRcnnOptions.Torchvision with { MinSize = 64, MaxSize = 96, AnchorSizes = tiny.AnchorSizes, BoxScoreThreshold = 0.045f });
        Detections d;
        using (no_grad()) d = reference.Detect([image.ToTensor()])[0];
        var scores = d.Scores.data<float>().ToArray();
        var written = JsonNode.Parse(File.ReadAllText(json))!["scores"]!.AsArray().Select(v => (float)v!).ToArray();
        Assert.True(scores.Length > 0);
        Assert.Equal(scores, written);
    }

    [Fact]
    public void DetectEvalRunsTheDetectorIntoItsFolder()
    {
        string weights = Path.Combine(_dir, "tiny.pth");
        using (var model = new FasterRcnn(DetectionEvaluationTests.Tiny)) model.Save(weights);
        string devkit = Path.Combine(_dir, "VOCdevkit");
        DetectionEvaluationTests.WriteDevkit(devkit);
        string output = Path.Combine(_dir, "eval");
        var r = CliRunner.Run("detect-eval", "--weights", weights, "--voc", devkit, "--min-size", "64", "--max-size", "96", "--out", output, "--json");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(1, r.ExitCode); // one image unreadable
        Assert.Contains("000002.jpg", r.Stderr);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!;
        Assert.Equal(1, (int)json["skipped"]!);
        // the file's detections, scored again from the CSV, give the same mAP
        var again = DetectionEvaluation.ScoreVoc(VocDataset.Load(devkit, ["2007"], "test"), DetectionFiles.ReadCsv(Path.Combine(output, "detections.csv")), VocApMetric.ElevenPoint, "csv");
        Assert.Equal(again.MeanAp, (double)json["map"]!, 12);
    }
}
