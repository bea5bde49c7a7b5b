using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection.Training;

/// <summary>
/// A Faster R-CNN whose backbone starts from a classification checkpoint: any ResNet weight file our
/// tools read (ours from <c>texturebias train</c>, torchvision's state_dicts, texture-vs-shape's SIN,
/// SIN+IN and Shape-ResNet checkpoints with DataParallel's <c>module.</c> prefixes, safetensors). Its
/// tensors go into <c>backbone.body.*</c> unchanged (the batch norms' statistics and affine parameters
/// into the FrozenBatchNorm buffers), the classifier <c>fc.*</c> is dropped, and the detector's
/// <see cref="FasterRcnnOptions.Backbone"/> and <see cref="FasterRcnnOptions.BackboneWidth"/> are read
/// from the file, as torchvision's <c>resnet_fpn_backbone</c> with <c>weights_backbone</c> does.
/// </summary>
public static class DetectionBackbone
{
    /// <summary>The ResNets a Faster R-CNN backbone can be: (bottleneck blocks?, blocks per stage) → name.</summary>
    private static readonly (bool Bottleneck, int[] Blocks, string Name)[] Depths =
    {
        (false, new[] { 2, 2, 2, 2 }, "resnet18"),
        (false, new[] { 3, 4, 6, 3 }, "resnet34"),
        (true, new[] { 3, 4, 6, 3 }, "resnet50"),
        (true, new[] { 3, 4, 23, 3 }, "resnet101"),
        (true, new[] { 3, 8, 36, 3 }, "resnet152"),
    };

    /// <summary>
    /// Builds a <see cref="FasterRcnn"/> with <paramref name="options"/>, its backbone's depth and width those of the
    /// ResNet in <paramref name="path"/>, and copies that ResNet into <c>backbone.body.*</c>. The other layers keep the
    /// initialisation of the detector's constructor (seed torch's generator before calling for a reproducible start).
    /// </summary>
    /// <exception cref="TextureBiasException">The file is unreadable or holds no ResNet classifier (one line naming the file).</exception>
    public static FasterRcnn Create(string path, FasterRcnnOptions options)
    {
        using var classifier = LoadResNet(path, out string depth);
        int width = (int)classifier.state_dict()["conv1.weight"].shape[0];
        var detector = new FasterRcnn(options with { Backbone = depth, BackboneWidth = width });
        try
        {
            Copy(classifier, detector, path);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
        return detector;
    }

    /// <summary>The ResNet classifier in <paramref name="path"/> and the name of its depth (resnet18 … resnet152).</summary>
    /// <exception cref="TextureBiasException">Not a ResNet classifier (a detector, another architecture, a non-standard depth).</exception>
    internal static ResNet LoadResNet(string path, out string depth)
    {
        string arch;
        bool bottleneck;
        int[]? blocks;
        using (var checkpoint = WeightFile.Read(path))
        {
            var sd = checkpoint.StateDict;
            if (sd.Keys.Any(k => k.StartsWith("backbone.body.", StringComparison.Ordinal)))
                throw new WeightFileException(path, "is a detector's checkpoint (it has backbone.body.* keys), not a classifier: give the classification checkpoint its backbone came from");
            arch = ModelWeights.GuessArchitecture(sd)
                ?? throw new WeightFileException(path, "holds no classifier we know (no conv1.weight/layer1…4 of a ResNet): the backbone must be a ResNet classification checkpoint");
            if (!arch.StartsWith("resnet", StringComparison.Ordinal))
                throw new WeightFileException(path, $"is a {arch} classifier: Faster R-CNN's backbone must be a ResNet (resnet18, resnet34, resnet50, resnet101 or resnet152)");
            bottleneck = sd.ContainsKey("layer1.0.conv3.weight");
            blocks = ModelWeights.StageBlocks(sd.Keys);
        }
        var known = Depths.FirstOrDefault(d => d.Bottleneck == bottleneck && blocks is not null && d.Blocks.SequenceEqual(blocks));
        if (known.Name is null)
            throw new WeightFileException(path, $"is a ResNet with {(bottleneck ? "bottleneck" : "basic")} blocks {(blocks is null ? "?" : string.Join(",", blocks))} per stage: " +
                "Faster R-CNN's backbone must be resnet18, resnet34, resnet50, resnet101 or resnet152");
        depth = known.Name;
        var model = ModelWeights.LoadClassifier(arch, path);
        if (model is ResNet resnet) return resnet;
        model.Dispose();
        throw new WeightFileException(path, $"is a {arch} classifier, not a ResNet");
    }

    /// <summary>
    /// Copies every tensor of <paramref name="classifier"/> but <c>fc.*</c> and <c>num_batches_tracked</c> into the
    /// detector's <c>backbone.body.*</c>; every backbone.body tensor must be filled, with the same shape.
    /// </summary>
    internal static void Copy(ResNet classifier, FasterRcnn detector, string source)
    {
        var target = detector.state_dict();
        var body = target.Where(kv => kv.Key.StartsWith("backbone.body.", StringComparison.Ordinal) && !IsCounter(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var copies = new List<(Tensor From, Tensor To)>();
        var problems = new List<string>();
        foreach (var (key, tensor) in classifier.state_dict())
        {
            if (key.StartsWith("fc.", StringComparison.Ordinal) || IsCounter(key)) continue;
            string name = "backbone.body." + key;
            if (!body.Remove(name, out var dst)) problems.Add($"{name} is not in the detector");
            else if (!dst.shape.SequenceEqual(tensor.shape)) problems.Add($"{name} has shape [{string.Join(",", tensor.shape)}] in the file, [{string.Join(",", dst.shape)}] in the detector");
            else copies.Add((tensor, dst));
        }
        problems.AddRange(body.Keys.Select(k => $"{k} is not in the file"));
        if (problems.Count > 0)
            throw new WeightFileException(source, $"does not fit the detector's backbone ({detector.Options.Backbone}, width {detector.Options.BackboneWidth}): " +
                string.Join("; ", problems.Take(4)) + (problems.Count > 4 ? $"; … {problems.Count - 4} more" : ""));
        using var noGrad = no_grad();
        foreach (var (from, to) in copies)
        {
            using var scope = NewDisposeScope();
            to.copy_(from.to(to.dtype, to.device));
        }
    }

    private static bool IsCounter(string key) => key.EndsWith("num_batches_tracked", StringComparison.Ordinal);
}
