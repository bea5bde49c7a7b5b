using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// Loads weight files into models with strict checking, and saves models' weights. Unlike
/// PyTorch's <c>load_state_dict</c>, a misfit reports every missing, unexpected and wrongly
/// shaped key in one line. <c>num_batches_tracked</c> may be absent (2018 files lack it).
/// </summary>
public static class ModelWeights
{
    /// <summary>
    /// Reads <paramref name="path"/> and copies its tensors into <paramref name="model"/>; an
    /// <see cref="ImageClassifier"/> also takes the file's <see cref="ModelMetadata"/> when it records one.
    /// </summary>
    /// <returns>The checkpoint's metadata (epoch, arch, ...), empty for a plain state_dict.</returns>
    /// <exception cref="WeightFileException">The file is unreadable or does not fit the model.</exception>
    public static IReadOnlyDictionary<string, object?> Load(nn.Module model, string path)
    {
        using var checkpoint = WeightFile.Read(path);
        Apply(model, checkpoint.StateDict, path);
        if (model is ImageClassifier classifier && !checkpoint.ModelMetadata.IsEmpty)
            classifier.Metadata = Checked(checkpoint.ModelMetadata, classifier.NumClasses, path);
        return checkpoint.Metadata;
    }

    /// <summary>The class names, image size and evaluation preprocessing that <paramref name="path"/> records, without building a model.</summary>
    /// <exception cref="WeightFileException">The file is unreadable.</exception>
    public static ModelMetadata ReadMetadata(string path)
    {
        using var checkpoint = WeightFile.Read(path);
        return checkpoint.ModelMetadata;
    }

    private static ModelMetadata Checked(ModelMetadata metadata, int numClasses, string path)
    {
        if (metadata.Classes is { } names && names.Count > numClasses)
            throw new WeightFileException(path, $"names {names.Count} classes but the network has {numClasses} outputs");
        return metadata;
    }

    /// <summary>
    /// Builds <paramref name="arch"/> to fit the weight file and loads it: the number of classes
    /// (unless given) and the width and blocks per stage of a ResNet or BagNet are read from the
    /// file's tensors, so networks trained with <c>--num-classes</c>, <c>--width</c> or
    /// <c>--blocks</c> load without repeating them.
    /// The model is returned in eval mode, with the file's <see cref="ModelMetadata"/> (class
    /// names, evaluation preprocessing) in <see cref="ImageClassifier.Metadata"/>. With
    /// <paramref name="arch"/> null, the architecture is told from the file's keys and shapes
    /// (<see cref="GuessArchitecture"/>).
    /// </summary>
    /// <exception cref="WeightFileException">The file is unreadable or does not fit the architecture.</exception>
    public static ImageClassifier LoadClassifier(string? arch, string path, int? numClasses = null)
    {
        using var checkpoint = WeightFile.Read(path);
        var sd = checkpoint.StateDict;
        arch ??= GuessArchitecture(sd) ?? throw new WeightFileException(path, $"is not one of the known architectures ({string.Join(", ", Architectures.Names)}); give the architecture");
        int classes = numClasses ?? (sd.TryGetValue("fc.weight", out var fc) || sd.TryGetValue("classifier.6.weight", out fc) || sd.TryGetValue("classifier.weight", out fc)
            ? Dimension(fc, 2, 0, "the classifier's weight", path) : 1000);
        bool residual = Architectures.IsResidual(arch);
        int width = residual && sd.TryGetValue("conv1.weight", out var conv1)
            ? Dimension(conv1, 4, 0, "conv1.weight", path) : Architectures.StandardWidth;
        int[]? blocks = residual ? StageBlocks(sd.Keys) : null;
        // Built only if the file can fill it: a few bytes claiming a huge classifier, width or depth
        // must not make us allocate gigabytes for a model the file cannot hold anyway.
        double needed = Architectures.MinimumParameters(arch, classes, width, blocks);
        if (needed > checkpoint.StoredElements)
            throw new WeightFileException(path, $"holds {checkpoint.StoredElements:N0} numbers, but a {arch.ToLowerInvariant()} with {classes:N0} classes" +
                $"{(residual ? $", width {width}" : "")}{(blocks is null ? "" : $" and blocks {string.Join(",", blocks)}")} (as its tensors say) needs at least {needed:N0}: " +
                "the file cannot hold these weights");
        var model = Architectures.Create(arch, classes, width, blocks);
        try
        {
            Apply(model, sd, path);
            model.Metadata = Checked(checkpoint.ModelMetadata, model.NumClasses, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>Copies <paramref name="stateDict"/> into <paramref name="model"/>, checking keys and shapes first.</summary>
    /// <remarks>
    /// As torchvision does on loading: for a <see cref="DenseNet"/> the published files' legacy keys
    /// (<c>norm.1</c>, <c>conv.1</c>, …) are renamed (<see cref="DenseNet.RemapLegacyKeys"/>); for
    /// <see cref="GoogLeNet"/> the auxiliary classifiers' keys are dropped (<see cref="GoogLeNet.DropAuxiliaryKeys"/>).
    /// </remarks>
    public static void Apply(nn.Module model, IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        stateDict = Adapted(model, stateDict);
        var target = model.state_dict();
        var missing = target.Keys.Where(k => !stateDict.ContainsKey(k) && !IsCounter(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !target.ContainsKey(k) && !IsCounter(k)).ToList();
        var wrongShape = stateDict.Where(kv => target.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key} (file [{string.Join(",", kv.Value.shape)}], model [{string.Join(",", target[kv.Key].shape)}])")
            .ToList();
        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {Count(missing.Count, "key")}: {List(missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected {Count(unexpected.Count, "key")}: {List(unexpected)}");
            if (wrongShape.Count > 0) parts.Add($"wrong shape for {Count(wrongShape.Count, "key")}: {List(wrongShape)}");
            string name = model is ImageClassifier c ? c.Architecture : model.GetName();
            string guess = GuessArchitecture(stateDict) is { } g && g != name ? $" (the file looks like {g})" : "";
            throw new WeightFileException(source, $"does not fit {name}{guess}: {string.Join("; ", parts)}");
        }

        using var noGrad = no_grad();
        foreach (var (key, dst) in target)
            if (stateDict.TryGetValue(key, out var src))
            {
                try
                {
                    using var scope = NewDisposeScope();
                    dst.copy_(src.to(dst.dtype));
                }
                catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException or NotSupportedException)
                {
                    throw new WeightFileException(source, $"{key} cannot be copied into the model ({src.dtype} [{string.Join(",", src.shape)}]): {e.Message}", e);
                }
            }
    }

    /// <summary>
    /// A weight file's state_dict as torchvision adapts it while loading into <paramref name="model"/>:
    /// a <see cref="DenseNet"/>'s legacy keys renamed, a <see cref="GoogLeNet"/>'s auxiliary
    /// classifiers dropped; otherwise unchanged. Applying it twice changes nothing more.
    /// </summary>
    internal static IReadOnlyDictionary<string, Tensor> Adapted(nn.Module model, IReadOnlyDictionary<string, Tensor> stateDict) => model switch
    {
        DenseNet => DenseNet.RemapLegacyKeys(stateDict),
        GoogLeNet => GoogLeNet.DropAuxiliaryKeys(stateDict),
        _ => stateDict,
    };

    /// <summary>
    /// Writes the model's state_dict: <c>.safetensors</c> by extension, else PyTorch's zip format,
    /// or its legacy (pre-1.6) format with <paramref name="legacy"/>.
    /// </summary>
    public static void Save(nn.Module model, string path, bool legacy = false) => WeightFile.Save(path, model.state_dict(), legacy);

    /// <summary>
    /// Writes the model as a checkpoint dict in PyTorch's legacy format, atomically:
    /// <c>{arch, state_dict}</c> and its <see cref="ImageClassifier.Metadata"/> (<c>classes</c>,
    /// <c>image_size</c>, <c>width</c>, <c>blocks</c>, <c>preprocessing</c>), as training writes them,
    /// so the commands use the network as its metadata says. <c>torch.load</c> reads it.
    /// </summary>
    public static void SaveCheckpoint(ImageClassifier model, string path)
    {
        var tree = new Dictionary<string, object?>
        {
            ["arch"] = model.Architecture,
            ["state_dict"] = new LegacyTorchWriter.OrderedState(model.state_dict().Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList()),
        };
        foreach (var (key, value) in model.Metadata.ToCheckpointEntries()) tree[key] = value;
        WeightFile.SaveTree(path, tree);
    }

    /// <summary>Dimension <paramref name="dim"/> of a tensor that must have <paramref name="rank"/> dimensions, as a positive int.</summary>
    private static int Dimension(Tensor t, int rank, int dim, string what, string path)
    {
        if (t.shape.Length != rank)
            throw new WeightFileException(path, $"{what} has shape [{string.Join(",", t.shape)}], not {rank} dimensions");
        long n = t.shape[dim];
        if (n < 1 || n > int.MaxValue) throw new WeightFileException(path, $"{what} has shape [{string.Join(",", t.shape)}]");
        return (int)n;
    }

    /// <summary>The residual blocks of each of the four stages, counted from state_dict keys (<c>layerS.B.…</c>), or null.</summary>
    internal static int[]? StageBlocks(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        var counts = Enumerable.Range(1, 4).Select(s => list.Where(k => k.StartsWith($"layer{s}.", StringComparison.Ordinal))
            .Select(k => k.Split('.')[1]).Where(i => int.TryParse(i, out _)).Distinct().Count()).ToArray();
        return counts.All(c => c > 0) ? counts : null;
    }

    private static bool IsCounter(string key) => key.EndsWith("num_batches_tracked", StringComparison.Ordinal);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string List(List<string> items) =>
        items.Count <= 6 ? string.Join(", ", items) : string.Join(", ", items.Take(6)) + $", … and {items.Count - 6} more";

    /// <summary>Which of our architectures a state_dict belongs to, judged from a few telling keys.</summary>
    public static string? GuessArchitecture(IReadOnlyDictionary<string, Tensor> sd)
    {
        if (sd.TryGetValue("features.0.weight", out var first) && sd.ContainsKey("classifier.6.weight"))
            return first.shape.Length == 4 && first.shape[3] == 11 ? "alexnet" : GuessVgg(sd);
        if (sd.ContainsKey("features.conv0.weight")) return GuessDenseNet(sd.Keys);
        if (sd.ContainsKey("conv1.conv.weight") && sd.ContainsKey("inception3a.branch1.conv.weight")) return "googlenet";
        if (!sd.TryGetValue("conv1.weight", out var conv1)) return null;
        if (conv1.shape.Length == 4 && conv1.shape[2] == 7)
        {
            if (!sd.ContainsKey("layer1.0.conv3.weight")) return "resnet18";
            var blocks = StageBlocks(sd.Keys);
            return new[] { "resnet101", "resnet152" }.FirstOrDefault(r => blocks is not null && blocks.SequenceEqual(ResNet.StandardBlocks(r)!)) ?? "resnet50";
        }
        if (conv1.shape.Length == 4 && conv1.shape[2] == 1 && sd.ContainsKey("conv2.weight"))
        {
            bool K3(string layer) => sd.TryGetValue($"{layer}.0.conv2.weight", out var w) && w.shape.Length == 4 && w.shape[3] == 3;
            return K3("layer4") ? "bagnet33" : K3("layer3") ? "bagnet17" : "bagnet9";
        }
        return null;
    }

    /// <summary>VGG-16 or -19 by the number of convolutions in <c>features</c>, <c>_bn</c> when a batch norm follows the first.</summary>
    private static string GuessVgg(IReadOnlyDictionary<string, Tensor> sd)
    {
        int convolutions = sd.Count(kv => kv.Key.StartsWith("features.", StringComparison.Ordinal) && kv.Key.EndsWith(".weight", StringComparison.Ordinal) && kv.Value.dim() == 4);
        string suffix = sd.ContainsKey("features.1.running_mean") ? "_bn" : "";
        return (convolutions == 16 ? "vgg19" : "vgg16") + suffix;
    }

    /// <summary>The DenseNet whose layers per block (<c>features.denseblockN.denselayerM</c>, legacy keys too) match, else densenet121.</summary>
    private static string GuessDenseNet(IEnumerable<string> keys)
    {
        var layers = new int[4];
        foreach (var key in keys)
        {
            var parts = key.Split('.');
            if (parts.Length > 3 && parts[1].StartsWith("denseblock", StringComparison.Ordinal) && parts[2].StartsWith("denselayer", StringComparison.Ordinal)
                && int.TryParse(parts[1]["denseblock".Length..], out int block) && block is >= 1 and <= 4
                && int.TryParse(parts[2]["denselayer".Length..], out int layer))
                layers[block - 1] = Math.Max(layers[block - 1], layer);
        }
        return new[] { "densenet121", "densenet161", "densenet169", "densenet201" }
            .FirstOrDefault(d => DenseNet.Config(d)!.Value.Blocks.SequenceEqual(layers)) ?? "densenet121";
    }
}
