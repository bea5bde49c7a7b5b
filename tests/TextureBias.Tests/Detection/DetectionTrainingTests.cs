using TextureBias.Detection;
using TextureBias.Detection.Training;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>detect-train's library: the backbone from a classifier, checkpoints PyTorch's way, exact resumption.</summary>
public class DetectionTrainingTests : TempDirTest
{
    /// <summary>A miniature Faster R-CNN: resnet18 of width 8, FPN 16, images of 64 pixels, few proposals.</summary>
    internal static FasterRcnnOptions Tiny { get; } = new()
    {
        Backbone = "resnet18", BackboneWidth = 8, FpnChannels = 16, MinSize = 64, MaxSize = 96, RepresentationSize = 32,
        AnchorSizes = new[] { 8, 16, 32, 64, 128 },
        RpnPreNmsTopNTrain = 200, RpnPostNmsTopNTrain = 100, RpnPreNmsTopNTest = 100, RpnPostNmsTopNTest = 50,
        RpnBatchSizePerImage = 32, BoxBatchSizePerImage = 32, BoxDetectionsPerImage = 20, BoxScoreThreshold = 0.0f,
    };

    /// <summary>A classifier with random weights and batch-norm statistics (so a copy is visible), written as texture-vs-shape does: {"state_dict": {"module.…"}, "epoch"}.</summary>
    private string Classifier(ResNet model, string name)
    {
        using var half = 0.5.ToScalar(); // held for the whole loop (see SafeScalars)
        using (no_grad())
            foreach (var (key, t) in model.state_dict())
                if (key.EndsWith("running_mean") || key.EndsWith("running_var")) t.copy_(rand(t.shape).add_(half));
        var path = Path.Combine(_dir, name);
        var state = new LegacyTorchWriter.OrderedState(model.state_dict().Select(kv => new KeyValuePair<string, object?>("module." + kv.Key, kv.Value)).ToList());
        WeightFile.SaveTree(path, new Dictionary<string, object?> { ["epoch"] = 60L, ["arch"] = "resnet50", ["state_dict"] = state });
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_backbone_body_holds_the_classifiers_tensors(bool bottleneck)
    {
        manual_seed(1);
        using var classifier = bottleneck ? ResNet.ResNet50(10, 8) : ResNet.ResNet18(10, 8);
        string path = Classifier(classifier, "sin.pth.tar");
        using var detector = DetectionBackbone.Create(path, Tiny with { Backbone = "resnet152", BackboneWidth = 64, NumClasses = 3 });
        Assert.Equal(bottleneck ? "resnet50" : "resnet18", detector.Options.Backbone);
        Assert.Equal(8, detector.Options.BackboneWidth);
        var body = detector.state_dict();
        int copied = 0;
        foreach (var (key, t) in classifier.state_dict())
        {
            if (key.StartsWith("fc.") || key.EndsWith("num_batches_tracked")) continue;
            Assert.True(body.ContainsKey("backbone.body." + key), key);
            Assert.True(Same(body["backbone.body." + key], t), key);
            copied++;
        }
        Assert.Equal(body.Keys.Count(k => k.StartsWith("backbone.body.") && !k.EndsWith("num_batches_tracked")), copied);
        Assert.DoesNotContain(body.Keys, k => k.Contains("fc."));
    }

    [Fact]
    public void A_backbone_that_is_no_resnet_is_one_line()
    {
        manual_seed(2);
        using var bagnet = Architectures.Create("bagnet9", 10, 8, new[] { 1, 1, 1, 1 });
        string bag = Path.Combine(_dir, "bagnet.pth");
        ModelWeights.Save(bagnet, bag);
        var e = Assert.ThrowsAny<TextureBiasException>(() => DetectionBackbone.Create(bag, Tiny));
        Assert.Contains("bagnet9", e.Message);
        Assert.Contains("must be a ResNet", e.Message);
        Assert.DoesNotContain("\n", e.Message);

        string text = Write("notes.pth", "hello"u8.ToArray());
        var e2 = Assert.ThrowsAny<TextureBiasException>(() => DetectionBackbone.Create(text, Tiny));
        Assert.StartsWith(text, e2.Message);
        Assert.DoesNotContain("\n", e2.Message);

        using var odd = new ResNet("resnet18", false, new[] { 1, 1, 1, 1 }, 10, 8);
        string oddPath = Path.Combine(_dir, "odd.pth");
        ModelWeights.Save(odd, oddPath);
        var e3 = Assert.ThrowsAny<TextureBiasException>(() => DetectionBackbone.Create(oddPath, Tiny));
        Assert.Contains("1,1,1,1", e3.Message);
    }

    [Fact]
    public void A_checkpoint_loads_back_with_the_same_detections()
    {
        manual_seed(3);
        using var classifier = ResNet.ResNet18(10, 8);
        string backbone = Classifier(classifier, "in.pth");
        var options = new DetectionTrainingOptions { Model = Tiny with { NumClasses = 3 }, Epochs = 2 };
        using var model = DetectionBackbone.Create(backbone, options.Model);
        using var sgd = new Sgd(model.parameters().Where(p => p.requires_grad), 0.01);
        string path = Path.Combine(_dir, "checkpoint.pth");
        DetectionTrainer.Save(model, sgd, options, DetectionTrainer.Settings(options, model.Options, backbone), new[] { "__background__", "a", "b" }, path, 1, 0, new double[8], 5);
        using var loaded = FasterRcnn.Load(path, Tiny);
        Assert.Equal(3, loaded.Options.NumClasses);
        var expected = model.state_dict();
        foreach (var (key, t) in loaded.state_dict())
            Assert.True(Same(t, expected[key]), key);
        model.eval();
        loaded.eval();
        var images = new[] { rand(3, 50, 70, generator: new Generator(4)), rand(3, 64, 40, generator: new Generator(5)) };
        using var noGrad = no_grad();
        var a = model.Detect(images);
        var b = loaded.Detect(images);
        for (int i = 0; i < images.Length; i++)
        {
            Assert.True(Same(a[i].Boxes, b[i].Boxes));
            Assert.True(Same(a[i].Scores, b[i].Scores));
            Assert.True(Same(a[i].Labels, b[i].Labels));
        }
    }

    /// <summary>A tiny VOC2007 trainval of 5 images of three aspect ratios with one or two objects of two classes.</summary>
    private DetectionDataset Voc()
    {
        string devkit = Path.Combine(_dir, "VOCdevkit");
        var images = new Dictionary<string, (int, int, DetectionDataFolders.Obj[])>();
        for (int i = 0; i < 5; i++)
        {
            int w = i % 3 == 0 ? 64 : 48, h = i % 3 == 1 ? 64 : 48;
            images[$"00000{i}"] = (w, h, i % 2 == 0
                ? new[] { new DetectionDataFolders.Obj("cat", 5, 6, 30, 40) }
                : new[] { new DetectionDataFolders.Obj("dog", 10, 4, 44, 30), new DetectionDataFolders.Obj("cat", 2, 20, 20, 46) });
        }
        DetectionDataFolders.WriteVoc(devkit, "2007", "trainval", images);
        File.WriteAllBytes(Path.Combine(devkit, "VOC2007", "JPEGImages", "000003.jpg"), new byte[] { 0xFF, 0xD8, 1, 2, 3 }); // unreadable: skipped
        return VocDataset.Load(devkit, new[] { "2007" }, "trainval");
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Dictionary<string, Tensor> Weights(string checkpoint)
    {
        using var file = WeightFile.Read(checkpoint);
        return file.StateDict.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
    }

    [Fact]
    public void A_resumed_run_ends_with_the_weights_of_an_uninterrupted_one()
    {
        manual_seed(6);
        using var classifier = ResNet.ResNet18(10, 8);
        string backbone = Classifier(classifier, "in.pth");
        var data = Voc();
        var options = new DetectionTrainingOptions { Model = Tiny, Epochs = 2, Batch = 2, Workers = 2, WarmupIterations = 2, LearningRateSteps = new[] { 1 } };
        string whole = Path.Combine(_dir, "whole"), parts = Path.Combine(_dir, "parts");
        var failures = new List<TextureBias.Data.ImageFailure>();
        var metrics = DetectionTrainer.Run(backbone, data, whole, options, onFailure: failures.Add);
        Assert.Equal(2, metrics.Count);
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Loss) && m.Loss > 0));
        Assert.All(metrics, m => Assert.Equal(4, m.Images + m.SkippedImages)); // ⌊5 / 2⌋ steps of 2 images
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.EndsWith("000003.jpg", f.Path));
        Assert.Equal(failures.Count, metrics.Sum(m => m.SkippedImages));

        // Stopped after the first step of epoch 1, resumed; then stopped at the epoch's end, resumed.
        using (var cancel = new CancellationTokenSource())
        {
            var stopped = Assert.Throws<TrainingInterruptedException>(() => DetectionTrainer.Run(backbone, data, parts, options,
                progress: p => { if (p.Epoch == 1 && p.Step == 1) cancel.Cancel(); }, cancel: cancel.Token));
            Assert.Equal(1, stopped.Step);
        }
        Assert.Throws<TextureBiasException>(() => DetectionTrainer.Run(backbone, data, parts, options)); // a run is there
        var e = Assert.Throws<TextureBiasException>(() => DetectionTrainer.Run(null, data, parts, options with { Batch = 3 }, resume: true));
        Assert.Contains("--batch 2, not 3", e.Message);
        DetectionTrainer.Run(null, data, parts, options with { Epochs = 1 }, resume: true);
        var resumed = DetectionTrainer.Run(null, data, parts, options, resume: true);
        Assert.Equal(2, resumed.Count);
        for (int i = 0; i < 2; i++) Assert.Equal(metrics[i].Loss, resumed[i].Loss, 1e-6 * metrics[i].Loss); // metrics.csv keeps 9 digits

        var expected = Weights(Path.Combine(whole, DetectionTrainer.CheckpointFile));
        var actual = Weights(Path.Combine(parts, DetectionTrainer.CheckpointFile));
        Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
        foreach (var (key, t) in expected) Assert.True(Same(t, actual[key]), key);
        // The weights did change (training happened) where they train, and stayed where they are frozen.
        using var start = DetectionBackbone.Create(backbone, Tiny with { NumClasses = 21 });
        var initial = start.state_dict();
        Assert.False(Same(initial["backbone.body.layer4.0.conv1.weight"], expected["backbone.body.layer4.0.conv1.weight"]));
        Assert.True(Same(initial["backbone.body.conv1.weight"], expected["backbone.body.conv1.weight"]));
    }
}
