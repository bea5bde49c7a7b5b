using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's RoIHeads for boxes (models/detection/roi_heads.py): MultiScaleRoIAlign over FPN levels
/// "0".."3", TwoMLPHead (box_head.fc6, box_head.fc7), FastRCNNPredictor (box_predictor.cls_score,
/// box_predictor.bbox_pred), training-sample selection and losses, postprocessing.
/// </summary>
internal sealed class RoiHeads : nn.Module
{
    /// <summary>Levels pooled by MultiScaleRoIAlign (the FPN's "0".."3"; "pool" is not).</summary>
    public const int PooledLevels = 4;

    /// <summary>remove_small_boxes' minimum side in postprocess_detections.</summary>
    private const double MinBoxSize = 1e-2;

    private readonly MultiScaleRoiAlign box_roi_pool;
    private readonly TwoMlpHead box_head;
    private readonly FastRcnnPredictor box_predictor;

    public RoiHeads(FasterRcnnOptions options) : base("RoIHeads")
    {
        Options = options;
        if (options.NumClasses < 2)
            throw new ArgumentOutOfRangeException(nameof(options), $"Faster R-CNN needs at least 2 classes (background and one), got {options.NumClasses}");
        box_roi_pool = new MultiScaleRoiAlign(options.RoiOutputSize, options.RoiSamplingRatio);
        long inChannels = (long)options.FpnChannels * options.RoiOutputSize * options.RoiOutputSize;
        box_head = new TwoMlpHead(inChannels, options.RepresentationSize);
        box_predictor = new FastRcnnPredictor(options.RepresentationSize, options.NumClasses);
        RegisterComponents();
    }

    /// <summary>The settings it was built with.</summary>
    public FasterRcnnOptions Options { get; }

    /// <summary>The box coder of the box head, weights (10, 10, 5, 5).</summary>
    public BoxCoder BoxCoder { get; } = new(10, 10, 5, 5);

    /// <summary>
    /// Detections per image (boxes in the transformed image's coordinates; the caller maps them back) and,
    /// when targets are given in training mode, the losses loss_classifier and loss_box_reg.
    /// Features: the FPN levels in order "0","1","2","3","pool" (only the first four are pooled).
    /// </summary>
    public (IReadOnlyList<Detections> Results, IReadOnlyDictionary<string, Tensor> Losses) Forward(
        IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals, IReadOnlyList<(int Height, int Width)> imageSizes,
        IReadOnlyList<DetectionTarget>? targets = null, Generator? generator = null)
    {
        if (features.Count < 1)
            throw new ArgumentException("RoIHeads needs the FPN's feature maps");
        if (proposals.Count != imageSizes.Count)
            throw new ArgumentException($"RoIHeads needs one tensor of proposals per image, got {proposals.Count} for {imageSizes.Count} images");
        var pooledFeatures = features.Take(Math.Min(PooledLevels, features.Count)).ToList();

        if (training)
        {
            if (targets is null)
                throw new ArgumentException("RoIHeads in training mode needs targets");
            return (Array.Empty<Detections>(), TrainingLosses(pooledFeatures, proposals, imageSizes, targets, generator));
        }

        using var scope = torch.NewDisposeScope();
        var (classLogits, boxRegression) = Predict(pooledFeatures, proposals, imageSizes);
        var results = Postprocess(classLogits, boxRegression, proposals, imageSizes);
        foreach (var r in results)
        {
            r.Boxes.MoveToOuterDisposeScope();
            r.Labels.MoveToOuterDisposeScope();
            r.Scores.MoveToOuterDisposeScope();
        }
        return (results, new Dictionary<string, Tensor>());
    }

    /// <summary>box_roi_pool, box_head, box_predictor: class logits [ΣL, K] and box deltas [ΣL, 4K].</summary>
    internal (Tensor ClassLogits, Tensor BoxRegression) Predict(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        using var scope = torch.NewDisposeScope();
        var boxFeatures = box_roi_pool.Forward(features, proposals, imageSizes);
        var representation = box_head.forward(boxFeatures);
        var (logits, deltas) = box_predictor.forward(representation);
        return (logits.MoveToOuterDisposeScope(), deltas.MoveToOuterDisposeScope());
    }

    private IReadOnlyDictionary<string, Tensor> TrainingLosses(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<(int Height, int Width)> imageSizes, IReadOnlyList<DetectionTarget> targets, Generator? generator) =>
        throw new NotImplementedException("RoIHeads training: waiting for the Matcher and the sampler (det-rpn)");

    /// <summary>
    /// torchvision's <c>postprocess_detections</c>: softmax scores, boxes decoded per class and clipped to the
    /// image, background dropped, scores above the threshold, boxes with both sides ≥ 0.01, NMS per class,
    /// the best <see cref="FasterRcnnOptions.BoxDetectionsPerImage"/> by score.
    /// </summary>
    internal List<Detections> Postprocess(Tensor classLogits, Tensor boxRegression, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        using var scope = torch.NewDisposeScope();
        long numClasses = classLogits.shape[^1];
        var total = proposals.Sum(p => p.shape[0]);
        var predBoxes = BoxCoder.Decode(boxRegression, proposals).reshape(total, numClasses, 4);
        var predScores = nn.functional.softmax(classLogits, -1);
        using var threshold = ((double)Options.BoxScoreThreshold).ToScalar();
        using var minSize = MinBoxSize.ToScalar();

        var results = new List<Detections>();
        long offset = 0;
        for (int i = 0; i < proposals.Count; i++)
        {
            using var imageScope = torch.NewDisposeScope();
            long n = proposals[i].shape[0];
            var boxes = Clip(predBoxes.narrow(0, offset, n), imageSizes[i]);
            var scores = predScores.narrow(0, offset, n);
            offset += n;
            var labels = torch.arange(numClasses, dtype: ScalarType.Int64, device: classLogits.device).view(1, -1).expand(n, numClasses);

            boxes = boxes.narrow(1, 1, numClasses - 1).reshape(-1, 4);
            scores = scores.narrow(1, 1, numClasses - 1).reshape(-1);
            labels = labels.narrow(1, 1, numClasses - 1).reshape(-1);

            var inds = scores.gt(threshold).nonzero().view(-1);
            (boxes, scores, labels) = (boxes.index_select(0, inds), scores.index_select(0, inds), labels.index_select(0, inds));

            var ws = boxes.select(1, 2).Minus(boxes.select(1, 0));
            var hs = boxes.select(1, 3).Minus(boxes.select(1, 1));
            var keep = ws.ge(minSize).logical_and(hs.ge(minSize)).nonzero().view(-1);
            (boxes, scores, labels) = (boxes.index_select(0, keep), scores.index_select(0, keep), labels.index_select(0, keep));

            keep = TorchvisionBatchedNms.Apply(boxes, scores, labels, Options.BoxNmsThreshold);
            keep = keep.narrow(0, 0, Math.Min(keep.shape[0], Options.BoxDetectionsPerImage));
            var result = new Detections(
                boxes.index_select(0, keep).MoveToOuterDisposeScope(),
                labels.index_select(0, keep).MoveToOuterDisposeScope(),
                scores.index_select(0, keep).MoveToOuterDisposeScope());
            results.Add(result);
        }
        foreach (var r in results)
        {
            r.Boxes.MoveToOuterDisposeScope();
            r.Labels.MoveToOuterDisposeScope();
            r.Scores.MoveToOuterDisposeScope();
        }
        return results;
    }

    /// <summary>torchvision's <c>clip_boxes_to_image</c> of boxes [..., 4]: x in [0, width], y in [0, height].</summary>
    internal static Tensor Clip(Tensor boxes, (int Height, int Width) size)
    {
        using var scope = torch.NewDisposeScope();
        var upper = torch.tensor(new float[] { size.Width, size.Height, size.Width, size.Height }, device: boxes.device).to_type(boxes.dtype);
        return torch.minimum(boxes.clamp_min(SafeScalars.Zero), upper).MoveToOuterDisposeScope();
    }
}
