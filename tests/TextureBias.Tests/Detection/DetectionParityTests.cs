using System.Text.Json;
using TextureBias.Data;
using TextureBias.Detection;
using TextureBias.Models.Serialization;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>
/// Our Faster R-CNN against torchvision 0.14's on the same random weights and images: the transformed batch, the
/// FPN features, the RPN proposals and the detections. The folder is made by tools/parity/detection.py (by hand:
/// no Python here); by default the committed small fixture, or the folder TEXTUREBIAS_DETECTION_PARITY names
/// (e.g. the full ResNet-50-FPN at torchvision's 800/1333 sizes).
/// </summary>
public class DetectionParityTests
{
    private static readonly string Dir = Environment.GetEnvironmentVariable("TEXTUREBIAS_DETECTION_PARITY") is { Length: > 0 } d
        ? d : Fixture.Parity("detection-small");

    private static string F(string name) => Path.Combine(Dir, name);

    /// <summary>The options tools/parity/detection.py built torchvision's model with.</summary>
    internal static FasterRcnnOptions Options(out int count, out List<(int, int)> sizes)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(F("options.json")));
        var root = json.RootElement;
        count = root.GetProperty("count").GetInt32();
        sizes = root.GetProperty("image_sizes").EnumerateArray().Select(a => (a[0].GetInt32(), a[1].GetInt32())).ToList();
        var o = FasterRcnnOptions.Torchvision;
        foreach (var p in root.GetProperty("options").EnumerateObject())
            o = p.Name switch
            {
                "Backbone" => o with { Backbone = p.Value.GetString()! },
                "BackboneWidth" => o with { BackboneWidth = p.Value.GetInt32() },
                "NumClasses" => o with { NumClasses = p.Value.GetInt32() },
                "FpnChannels" => o with { FpnChannels = p.Value.GetInt32() },
                "MinSize" => o with { MinSize = p.Value.GetInt32() },
                "MaxSize" => o with { MaxSize = p.Value.GetInt32() },
                "AnchorSizes" => o with { AnchorSizes = p.Value.EnumerateArray().Select(v => v.GetInt32()).ToArray() },
                "RpnPreNmsTopNTest" => o with { RpnPreNmsTopNTest = p.Value.GetInt32() },
                "RpnPostNmsTopNTest" => o with { RpnPostNmsTopNTest = p.Value.GetInt32() },
                "BoxScoreThreshold" => o with { BoxScoreThreshold = p.Value.GetSingle() },
                "RepresentationSize" => o with { RepresentationSize = p.Value.GetInt32() },
                _ => throw new InvalidOperationException($"options.json: unknown option {p.Name}"),
            };
        return o;
    }

    private static List<Tensor> Images(int count) => Enumerable.Range(0, count).Select(i => Npy.Load(F($"image{i}.npy"))).ToList();

    /// <summary>Largest absolute difference, relative to the reference's magnitude when that exceeds 1.</summary>
    internal static double Diff(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        if (expected.numel() == 0) return 0;
        var e = expected.to(ScalarType.Float64);
        double scale = Math.Max(1, e.abs().max().item<double>());
        return (actual.to(ScalarType.Float64) - e).abs().max().item<double>() / scale;
    }

    [Fact]
    public void TransformEqualsTorchvisions()
    {
        var options = Options(out int count, out var sizes);
        using var scope = NewDisposeScope();
        var (batch, _) = new GeneralizedRcnnTransform(options).Apply(Images(count));
        Assert.Equal(sizes, batch.ImageSizes.Select(s => (s.Height, s.Width)).ToList());
        Assert.True(Diff(batch.Tensors, Npy.Load(F("batch.npy"))) < 1e-5);
    }

    [Fact]
    public void BackboneFeaturesEqualTorchvisions()
    {
        var options = Options(out _, out _);
        using var scope = NewDisposeScope();
        using var checkpoint = WeightFile.Read(F("model.pth"));
        var backboneWeights = checkpoint.StateDict.Where(kv => kv.Key.StartsWith("backbone.", StringComparison.Ordinal) && !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["backbone.".Length..], kv => kv.Value);
        var backbone = new BackboneWithFpn(options);
        ModelWeights.Apply(backbone, backboneWeights, F("model.pth"));
        backbone.eval();
        using var noGrad = no_grad();
        var features = backbone.forward(Npy.Load(F("batch.npy")));
        var names = new[] { "0", "1", "2", "3", "pool" };
        Assert.Equal(names.Length, features.Count);
        for (int i = 0; i < names.Length; i++)
            Assert.True(Diff(features[i], Npy.Load(F($"feature-{names[i]}.npy"))) < 1e-4, $"level {names[i]}");
    }

    [Fact]
    public void ProposalsEqualTorchvisions()
    {
        Options(out int count, out _);
        using var scope = NewDisposeScope();
        using var model = FasterRcnn.Load(F("model.pth"), Options(out _, out _));
        var proposals = model.Proposals(Images(count));
        for (int i = 0; i < count; i++)
            Assert.True(Diff(proposals[i], Npy.Load(F($"proposals{i}.npy"))) < 1e-4, $"image {i}");
    }

    [Fact]
    public void DetectionsEqualTorchvisions()
    {
        Options(out int count, out _);
        using var scope = NewDisposeScope();
        using var model = FasterRcnn.Load(F("model.pth"), Options(out _, out _));
        var detections = model.Detect(Images(count));
        for (int i = 0; i < count; i++)
        {
            Assert.True(Diff(detections[i].Boxes, Npy.Load(F($"boxes{i}.npy"))) < 1e-4, $"boxes of image {i}");
            Assert.True(Diff(detections[i].Scores, Npy.Load(F($"scores{i}.npy"))) < 1e-4, $"scores of image {i}");
            Assert.Equal(Npy.Load(F($"labels{i}.npy")).data<long>().ToArray(), detections[i].Labels.data<long>().ToArray());
        }
    }
}
