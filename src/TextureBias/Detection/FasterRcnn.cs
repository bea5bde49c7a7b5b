using TextureBias.Models.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's Faster R-CNN with a ResNet-FPN backbone (<c>fasterrcnn_resnet50_fpn</c>), with
/// torchvision's modules and state_dict keys (<c>backbone.body.*</c>, <c>backbone.fpn.*</c>,
/// <c>rpn.head.*</c>, <c>roi_heads.box_head.*</c>, <c>roi_heads.box_predictor.*</c>), so that
/// torchvision's weights and ours are interchangeable. The backbone's batch norms are frozen
/// (FrozenBatchNorm2d, as torchvision builds the model for pretrained backbones), and only the last
/// <see cref="FasterRcnnOptions.TrainableBackboneLayers"/> of its stages train.
/// </summary>
public sealed class FasterRcnn : nn.Module
{
    private readonly BackboneWithFpn backbone;
    private readonly RegionProposalNetwork rpn;
    private readonly RoiHeads roi_heads;
    private readonly GeneralizedRcnnTransform transform;

    /// <summary>Builds the model with random weights (torchvision's initialisation).</summary>
    /// <exception cref="TextureBiasException">The options name an unknown backbone or impossible sizes.</exception>
    public FasterRcnn(FasterRcnnOptions options) : base("FasterRCNN")
    {
        Options = options;
        if (options.NumClasses < 2) throw new TextureBiasException($"a detector needs at least 2 classes (background and one), not {options.NumClasses}");
        if (options.FpnChannels < 1) throw new TextureBiasException($"FPN channels must be positive, not {options.FpnChannels}");
        transform = new GeneralizedRcnnTransform(options);
        backbone = new BackboneWithFpn(options);
        rpn = new RegionProposalNetwork(options);
        roi_heads = new RoiHeads(options);
        RegisterComponents();
    }

    /// <summary>The settings it was built with.</summary>
    public FasterRcnnOptions Options { get; }

    /// <summary>The backbone (keys <c>backbone.*</c>): its <c>Body</c> is the ResNet, for loading classification weights.</summary>
    internal BackboneWithFpn Backbone => backbone;

    internal RegionProposalNetwork Rpn => rpn;

    internal RoiHeads RoiHeads => roi_heads;

    internal GeneralizedRcnnTransform Transform => transform;

    /// <summary>
    /// Draws the layers a detector adds to a classification backbone (FPN, RPN head, box head and predictor)
    /// afresh from <paramref name="generator"/>, with torchvision's distributions (FPN: kaiming_uniform_(a=1),
    /// zero bias; RPN: normal(0, 0.01), zero bias; the box head's and predictor's nn.Linear defaults), so a
    /// training run's start depends on its seed alone, not on other users of torch's global generator.
    /// </summary>
    internal void InitializeHeads(Generator generator)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, m) in named_modules())
        {
            if (name.StartsWith("backbone.fpn.", StringComparison.Ordinal) && m is TorchSharp.Modules.Conv2d fpnConv)
            {
                double bound = Math.Sqrt(3.0 / FanIn(fpnConv.weight!)); // gain 1 (a = 1)
                fpnConv.weight!.uniform_(-bound, bound, generator);
                fpnConv.bias?.zero_();
            }
            else if (name.StartsWith("rpn.head.", StringComparison.Ordinal) && m is TorchSharp.Modules.Conv2d rpnConv)
            {
                rpnConv.weight!.normal_(0, 0.01, generator);
                rpnConv.bias?.zero_();
            }
            else if (name.StartsWith("roi_heads.", StringComparison.Ordinal) && m is TorchSharp.Modules.Linear linear)
            {
                double bound = 1.0 / Math.Sqrt(FanIn(linear.weight!)); // kaiming_uniform_(a=√5) and the bias rule of nn.Linear
                linear.weight!.uniform_(-bound, bound, generator);
                linear.bias?.uniform_(-bound, bound, generator);
            }
        }
    }

    private static long FanIn(Tensor weight) => weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// Inference (call <c>eval()</c> first): images are float32 [3,H,W] RGB in [0,1], any sizes;
    /// returns one <see cref="Detections"/> per image, boxes in that image's pixels.
    /// </summary>
    public IReadOnlyList<Detections> Detect(IReadOnlyList<Tensor> images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var originalSizes = images.Select(OriginalSize).ToList();
        var (batch, _) = transform.Apply(images);
        var features = backbone.forward(batch.Tensors);
        var (proposals, _) = rpn.Forward(batch, features);
        var (results, _) = roi_heads.Forward(features, proposals, batch.ImageSizes);
        var mapped = GeneralizedRcnnTransform.Postprocess(results, batch.ImageSizes, originalSizes);
        return mapped.Select(d => new Detections(d.Boxes.MoveToOuterDisposeScope(), d.Labels.MoveToOuterDisposeScope(), d.Scores.MoveToOuterDisposeScope())).ToList();
    }

    /// <summary>
    /// Training losses (call <c>train()</c> first) as torchvision names them: loss_classifier,
    /// loss_box_reg, loss_objectness, loss_rpn_box_reg. Targets' boxes are in the images' pixels. The RPN's and the
    /// box head's sampling of anchors and proposals draw from <paramref name="generator"/> (for exact resumption).
    /// </summary>
    /// <exception cref="TextureBiasException">A target box has no positive width or height, or the targets do not fit the images.</exception>
    public IReadOnlyDictionary<string, Tensor> Losses(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget> targets, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var (batch, resized) = transform.Apply(images, targets);
        for (int i = 0; i < resized!.Count; i++)
        {
            var boxes = resized[i].Boxes;
            if (boxes.shape[0] == 0) continue;
            var degenerate = (boxes[.., 2..] <= boxes[.., ..2]).any(1);
            if (degenerate.any().item<bool>())
            {
                long b = nonzero(degenerate)[0, 0].item<long>();
                var box = targets[i].Boxes[b].to(ScalarType.Float64).data<double>().ToArray();
                throw new TextureBiasException($"All bounding boxes should have positive height and width. Found invalid box [{string.Join(", ", box.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}] for target at index {i}.");
            }
        }
        var features = backbone.forward(batch.Tensors);
        var (proposals, rpnLosses) = rpn.Forward(batch, features, resized, generator);
        var (_, roiLosses) = roi_heads.Forward(features, proposals, batch.ImageSizes, resized, generator);
        var losses = new Dictionary<string, Tensor>();
        foreach (var (k, v) in roiLosses) losses[k] = v.MoveToOuterDisposeScope();
        foreach (var (k, v) in rpnLosses) losses[k] = v.MoveToOuterDisposeScope();
        return losses;
    }

    /// <summary>The RPN's proposals per image (inference), in the transformed (resized) image's coordinates, as torchvision's <c>model.rpn</c> returns them.</summary>
    public IReadOnlyList<Tensor> Proposals(IReadOnlyList<Tensor> images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (batch, _) = transform.Apply(images);
        var features = backbone.forward(batch.Tensors);
        var (proposals, _) = rpn.Forward(batch, features);
        return proposals.Select(p => p.MoveToOuterDisposeScope()).ToList();
    }

    private static (int Height, int Width) OriginalSize(Tensor image) =>
        image.dim() == 3 ? ((int)image.shape[1], (int)image.shape[2])
        : throw new TextureBiasException($"images must be [3,H,W] tensors, not [{string.Join(",", image.shape)}]");

    /// <summary>
    /// Writes the state_dict in PyTorch's zip format (atomically), which <c>torch.load</c> reads and torchvision's
    /// <c>model.load_state_dict</c> accepts (num_batches_tracked is absent, as in FrozenBatchNorm2d's state_dict).
    /// </summary>
    public void Save(string path) => WeightFile.Save(path, state_dict());

    /// <summary>
    /// Loads a detector from a weights file (PyTorch's formats, safetensors, our checkpoints, or a
    /// torchvision reference checkpoint whose "model" holds the state_dict), inferring the backbone depth,
    /// width and class count from the keys; <paramref name="options"/> supplies the rest.
    /// A file in the key layout of torchvision before 0.13 (<c>rpn.head.conv.weight</c>,
    /// <c>backbone.fpn.inner_blocks.{i}.weight</c>: how torchvision's published COCO weights are stored) is
    /// run with FrozenBatchNorm eps 0, as torchvision runs those weights (<c>overwrite_eps(model, 0.0)</c>),
    /// unless <paramref name="options"/> asks for an eps other than the default 1e-5.
    /// A checkpoint of <c>detect-train</c> records what the shapes cannot tell: its anchor sizes
    /// (<see cref="AnchorSizesKey"/>) are always used, its image sizes (<see cref="MinSizeKey"/>, <see cref="MaxSizeKey"/>)
    /// when <paramref name="sizesFromFile"/> is true (else <paramref name="options"/>' sizes).
    /// </summary>
    /// <exception cref="WeightFileException">The file is unreadable, not a Faster R-CNN, or does not fit (missing, unexpected or misshapen keys, in one line).</exception>
    public static FasterRcnn Load(string path, FasterRcnnOptions? options = null, bool sizesFromFile = false)
    {
        using var checkpoint = WeightFile.Read(path);
        var sd = checkpoint.StateDict.Where(kv => !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .ToDictionary(kv => UpgradeLegacyKey(kv.Key), kv => kv.Value);
        options ??= FasterRcnnOptions.Torchvision;
        options = Recorded(checkpoint.Metadata, options, sizesFromFile, path);
        bool legacyLayout = checkpoint.StateDict.Keys.Any(k => UpgradeLegacyKey(k) != k);
        if (legacyLayout && options.FrozenBatchNormEps == FasterRcnnOptions.Torchvision.FrozenBatchNormEps)
            options = options with { FrozenBatchNormEps = 0 };
        var inferred = InferOptions(sd, options, path, checkpoint.StoredElements);
        var model = new FasterRcnn(inferred);
        try
        {
            ModelWeights.Apply(model, sd, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>The checkpoint key of the anchor sizes a detector was trained with, one per FPN level ("32,64,128,256,512").</summary>
    public const string AnchorSizesKey = "texturebias_anchor_sizes";

    /// <summary>The checkpoint key of the shorter image side a detector was trained with.</summary>
    public const string MinSizeKey = "texturebias_min_size";

    /// <summary>The checkpoint key of the longest image side a detector was trained with.</summary>
    public const string MaxSizeKey = "texturebias_max_size";

    /// <summary><paramref name="options"/> with the anchor sizes (and, if asked, image sizes) a checkpoint records.</summary>
    private static FasterRcnnOptions Recorded(IReadOnlyDictionary<string, object?> metadata, FasterRcnnOptions options, bool sizes, string path)
    {
        if (metadata.GetValueOrDefault(AnchorSizesKey) is string text)
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            var anchors = parts.Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0 ? v : -1).ToArray();
            if (anchors.Length != options.AnchorSizes.Count || anchors.Any(a => a < 1))
                throw new WeightFileException(path, $"{AnchorSizesKey} '{text}' is not {options.AnchorSizes.Count} positive sizes");
            options = options with { AnchorSizes = anchors };
        }
        if (sizes && metadata.GetValueOrDefault(MinSizeKey) is long min && metadata.GetValueOrDefault(MaxSizeKey) is long max && min >= 1 && max >= min && max <= int.MaxValue)
            options = options with { MinSize = (int)min, MaxSize = (int)max };
        return options;
    }

    /// <summary>
    /// A key of a state_dict written before torchvision 0.13 (such as its published COCO weights) as it is now, as
    /// the modules' <c>_load_from_state_dict</c> upgrade them: <c>backbone.fpn.inner_blocks.{i}.weight</c> →
    /// <c>backbone.fpn.inner_blocks.{i}.0.weight</c> (also layer_blocks, bias), <c>rpn.head.conv.weight</c> → <c>rpn.head.conv.0.0.weight</c>.
    /// </summary>
    internal static string UpgradeLegacyKey(string key)
    {
        var m = System.Text.RegularExpressions.Regex.Match(key, @"^backbone\.fpn\.(inner_blocks|layer_blocks)\.(\d+)\.(weight|bias)$");
        if (m.Success) return $"backbone.fpn.{m.Groups[1].Value}.{m.Groups[2].Value}.0.{m.Groups[3].Value}";
        return key.StartsWith("rpn.", StringComparison.Ordinal) ? RpnHead.UpgradeLegacyKey(key) : key;
    }

    /// <summary>The options of the detector a state_dict holds: backbone, width, FPN channels, representation size, RoI size and classes from its shapes.</summary>
    internal static FasterRcnnOptions InferOptions(IReadOnlyDictionary<string, Tensor> sd, FasterRcnnOptions options, string path, long storedElements)
    {
        const string body = "backbone.body.";
        Tensor Need(string key, int rank)
        {
            if (!sd.TryGetValue(key, out var t))
            {
                string looks = sd.ContainsKey("conv1.weight") || sd.ContainsKey("features.0.weight") ? " (it looks like a classification network)" : "";
                throw new WeightFileException(path, $"is not a Faster R-CNN state_dict{looks}: it has no {key}");
            }
            if (t.dim() != rank || t.shape.Any(d => d < 1 || d > int.MaxValue))
                throw new WeightFileException(path, $"{key} has shape [{string.Join(",", t.shape)}], not {rank} positive dimensions");
            return t;
        }
        int width = (int)Need(body + "conv1.weight", 4).shape[0];
        bool bottleneck = sd.ContainsKey(body + "layer1.0.conv3.weight");
        var blocks = ModelWeights.StageBlocks(sd.Keys.Where(k => k.StartsWith(body, StringComparison.Ordinal)).Select(k => k[body.Length..]))
            ?? throw new WeightFileException(path, "its backbone lacks some of layer1..layer4");
        string name = ResNetBody.NameOf(blocks, bottleneck)
            ?? throw new WeightFileException(path, $"its backbone has {(bottleneck ? "bottleneck" : "basic")} blocks {string.Join(",", blocks)} per stage, which is none of {string.Join(", ", ResNetBody.Names)}");
        int fpn = (int)Need("backbone.fpn.inner_blocks.0.0.weight", 4).shape[0];
        var fc6 = Need("roi_heads.box_head.fc6.weight", 2);
        int representation = (int)fc6.shape[0];
        int classes = (int)Need("roi_heads.box_predictor.cls_score.weight", 2).shape[0];
        int roi = options.RoiOutputSize;
        long perChannel = fc6.shape[1] / fpn;
        int side = (int)Math.Round(Math.Sqrt(perChannel));
        if (fc6.shape[1] % fpn == 0 && (long)side * side == perChannel) roi = side;
        // Built only if the file can hold it: a small file claiming huge shapes must not make us allocate gigabytes.
        double needed = (double)fc6.shape[0] * fc6.shape[1] + (double)classes * representation * 5;
        if (needed > storedElements)
            throw new WeightFileException(path, $"its shapes (box head {fc6.shape[1]}→{representation}, {classes} classes) need more numbers than the file holds");
        return options with
        {
            Backbone = name,
            BackboneWidth = width,
            FpnChannels = fpn,
            RepresentationSize = representation,
            NumClasses = classes,
            RoiOutputSize = roi,
        };
    }
}
