using TextureBias.Detection;
using TextureBias.Models.Serialization;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>FasterRcnn.Save and Load: round trip, the architecture read from the shapes, and one-line errors.</summary>
public class FasterRcnnLoadTests : TempDirTest
{
    private static readonly FasterRcnnOptions Tiny = FasterRcnnOptions.Torchvision with
    {
        Backbone = "resnet18", BackboneWidth = 8, FpnChannels = 16, NumClasses = 4, RepresentationSize = 32,
        MinSize = 64, MaxSize = 96, AnchorSizes = new[] { 8, 16, 32, 64, 128 }, RpnPreNmsTopNTest = 100, RpnPostNmsTopNTest = 50,
        BoxScoreThreshold = 0f,
    };

    [Fact]
    public void SaveThenLoadGivesIdenticalDetections()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new FasterRcnn(Tiny);
        using (no_grad())
            foreach (var (name, buffer) in model.named_buffers())
                if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.uniform_(0.5, 1.5);
        model.eval();
        string path = Path.Combine(_dir, "detector.pth");
        model.Save(path);
        // Only the sizes the shapes cannot tell are given.
        using var loaded = FasterRcnn.Load(path, FasterRcnnOptions.Torchvision with
        {
            MinSize = 64, MaxSize = 96, AnchorSizes = Tiny.AnchorSizes, RpnPreNmsTopNTest = 100, RpnPostNmsTopNTest = 50, BoxScoreThreshold = 0f,
        });
        Assert.Equal(("resnet18", 8, 16, 4, 32), (loaded.Options.Backbone, loaded.Options.BackboneWidth, loaded.Options.FpnChannels, loaded.Options.NumClasses, loaded.Options.RepresentationSize));
        var images = new[] { rand(3, 50, 70), rand(3, 64, 40) };
        var a = model.Detect(images);
        var b = loaded.Detect(images);
        for (int i = 0; i < images.Length; i++)
        {
            Assert.True(a[i].Boxes.shape[0] > 0);
            Assert.True(a[i].Boxes.allclose(b[i].Boxes, rtol: 0, atol: 0));
            Assert.True(a[i].Scores.allclose(b[i].Scores, rtol: 0, atol: 0));
            Assert.True(a[i].Labels.allclose(b[i].Labels, rtol: 0, atol: 0));
        }
    }

    [Fact]
    public void LoadsTorchvisionsReferenceCheckpointsAndDropsBatchCounters()
    {
        using var scope = NewDisposeScope();
        using var model = new FasterRcnn(Tiny);
        var sd = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        // torchvision's weights=None model has nn.BatchNorm2d: num_batches_tracked beside every batch norm.
        foreach (var key in sd.Keys.Where(k => k.EndsWith("running_var", StringComparison.Ordinal)).ToList())
            sd[key[..^"running_var".Length] + "num_batches_tracked"] = tensor(7L);
        // Keys as before torchvision 0.13 (its published COCO weights): FPN and RPN head convolutions without ".0".
        foreach (var key in sd.Keys.Where(k => k.StartsWith("backbone.fpn.", StringComparison.Ordinal) || k.StartsWith("rpn.head.conv.", StringComparison.Ordinal)).ToList())
        {
            string legacy = key.StartsWith("rpn.", StringComparison.Ordinal)
                ? key.Replace("head.conv.0.0.", "head.conv.")
                : System.Text.RegularExpressions.Regex.Replace(key, @"\.(\d+)\.0\.(weight|bias)$", ".$1.$2");
            sd[legacy] = sd[key];
            sd.Remove(key);
        }
        Assert.Contains("backbone.fpn.inner_blocks.0.weight", sd.Keys);
        Assert.Contains("backbone.fpn.layer_blocks.3.bias", sd.Keys);
        Assert.Contains("rpn.head.conv.weight", sd.Keys);
        string path = Path.Combine(_dir, "checkpoint.pth");
        WeightFile.SaveTree(path, new Dictionary<string, object?>
        {
            ["model"] = new LegacyTorchWriter.OrderedState(sd.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList()),
            ["epoch"] = 3L,
        });
        using var loaded = FasterRcnn.Load(path, Tiny);
        Assert.True(loaded.state_dict()["roi_heads.box_predictor.cls_score.weight"].allclose(sd["roi_heads.box_predictor.cls_score.weight"], rtol: 0, atol: 0));
        Assert.DoesNotContain(loaded.state_dict().Keys, k => k.EndsWith("num_batches_tracked", StringComparison.Ordinal));
    }

    /// <summary>
    /// torchvision runs its published COCO weights (stored in the pre-0.13 key layout) with FrozenBatchNorm eps 0:
    /// such a file loads with eps 0 unless another eps is asked for; a file in today's layout keeps the default 1e-5.
    /// </summary>
    [Fact]
    public void LegacyLayoutFilesRunWithFrozenBatchNormEpsZero()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var model = new FasterRcnn(Tiny);
        using (no_grad())
            foreach (var (name, buffer) in model.named_buffers())
                if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.uniform_(0.5, 1.5); // eps 1e-5 changes each scale by ~5e-6, far above float rounding
        string modern = Path.Combine(_dir, "modern.pth"), legacy = Path.Combine(_dir, "legacy.pth");
        model.Save(modern);
        var sd = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var key in sd.Keys.Where(k => k.StartsWith("backbone.fpn.", StringComparison.Ordinal) || k.StartsWith("rpn.head.conv.", StringComparison.Ordinal)).ToList())
        {
            string old = key.StartsWith("rpn.", StringComparison.Ordinal)
                ? key.Replace("head.conv.0.0.", "head.conv.")
                : System.Text.RegularExpressions.Regex.Replace(key, @"\.(\d+)\.0\.(weight|bias)$", ".$1.$2");
            sd[old] = sd[key];
            sd.Remove(key);
        }
        Assert.Contains("rpn.head.conv.weight", sd.Keys);
        WeightFile.Save(legacy, sd);

        using var fromLegacy = FasterRcnn.Load(legacy, Tiny);
        using var epsZero = FasterRcnn.Load(modern, Tiny with { FrozenBatchNormEps = 0 });
        using var epsDefault = FasterRcnn.Load(modern, Tiny);
        using var asked = FasterRcnn.Load(legacy, Tiny with { FrozenBatchNormEps = 1e-3 });
        Assert.Equal(0, fromLegacy.Options.FrozenBatchNormEps);
        Assert.Equal(1e-5, epsDefault.Options.FrozenBatchNormEps);
        Assert.Equal(1e-3, asked.Options.FrozenBatchNormEps);

        var images = new[] { rand(3, 60, 80) };
        Detections legacyOut, zeroOut, defaultOut;
        using (no_grad())
        {
            legacyOut = fromLegacy.Detect(images)[0];
            zeroOut = epsZero.Detect(images)[0];
            defaultOut = epsDefault.Detect(images)[0];
        }
        Assert.True(legacyOut.Scores.shape[0] > 0);
        Assert.Equal(legacyOut.Boxes.shape, zeroOut.Boxes.shape);
        Assert.True(legacyOut.Boxes.allclose(zeroOut.Boxes, rtol: 0, atol: 0));
        Assert.True(legacyOut.Scores.allclose(zeroOut.Scores, rtol: 0, atol: 0));
        bool same = legacyOut.Scores.shape[0] == defaultOut.Scores.shape[0] && legacyOut.Scores.allclose(defaultOut.Scores, rtol: 0, atol: 0);
        Assert.False(same, "eps 0 and eps 1e-5 gave the same detections");
    }

    [Fact]
    public void AMismatchedFileGivesOneLineNamingTheFileAndKeys()
    {
        using var scope = NewDisposeScope();
        using var model = new FasterRcnn(Tiny);
        var sd = model.state_dict().Where(kv => kv.Key != "rpn.head.bbox_pred.bias").ToDictionary(kv => kv.Key, kv => kv.Value);
        sd["rpn.head.extra"] = zeros(2);
        string path = Path.Combine(_dir, "broken.pth");
        WeightFile.Save(path, sd);
        var e = Assert.Throws<WeightFileException>(() => FasterRcnn.Load(path, Tiny));
        Assert.IsAssignableFrom<TextureBiasException>(e);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("rpn.head.bbox_pred.bias", e.Message);
        Assert.Contains("rpn.head.extra", e.Message);

        // Anchors per location differ (5 aspect ratios in the file's RPN head, 3 in the options): wrong shape.
        var other = new FasterRcnn(Tiny with { AspectRatios = new[] { 0.25f, 0.5f, 1f, 2f, 4f } });
        string path2 = Path.Combine(_dir, "five-ratios.pth");
        other.Save(path2);
        var e2 = Assert.Throws<WeightFileException>(() => FasterRcnn.Load(path2, Tiny));
        Assert.Contains("rpn.head.cls_logits.weight", e2.Message);
        Assert.DoesNotContain('\n', e2.Message);
    }

    [Fact]
    public void ACorruptOrForeignFileGivesOneLine()
    {
        string corrupt = Write("corrupt.pth", new byte[] { 0x50, 0x4b, 3, 4, 1, 2, 3 });
        var e = Assert.Throws<WeightFileException>(() => FasterRcnn.Load(corrupt));
        Assert.Contains(corrupt, e.Message);
        Assert.DoesNotContain('\n', e.Message);

        using var scope = NewDisposeScope();
        string classifier = Path.Combine(_dir, "resnet.pth");
        WeightFile.Save(classifier, new Dictionary<string, Tensor> { ["conv1.weight"] = zeros(8, 3, 7, 7), ["fc.weight"] = zeros(10, 64) });
        var e2 = Assert.Throws<WeightFileException>(() => FasterRcnn.Load(classifier));
        Assert.Contains("not a Faster R-CNN", e2.Message);
        Assert.Contains("classification", e2.Message);
    }
}
