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

    /// <summary>
    /// torchvision's <c>select_training_samples</c> and <c>fastrcnn_loss</c>: the ground-truth boxes join the
    /// proposals, each proposal is matched to a ground-truth box (IoU ≥ 0.5 foreground with its label, &lt; 0.5
    /// background; no low-quality matches), up to 512 per image are sampled (a quarter positive at most, from
    /// <paramref name="generator"/>), and the losses are the cross-entropy of the sampled proposals' classes and
    /// the smooth L1 (β = 1/9) of the positives' deltas for their class, summed and divided by the sampled count.
    /// </summary>
    private IReadOnlyDictionary<string, Tensor> TrainingLosses(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<(int Height, int Width)> imageSizes, IReadOnlyList<DetectionTarget> targets, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var (sampledProposals, labels, regressionTargets) = SelectTrainingSamples(proposals, targets, generator);
        var (classLogits, boxRegression) = Predict(features, sampledProposals, imageSizes);
        var (lossClassifier, lossBoxReg) = FastRcnnLoss(classLogits, boxRegression, labels, regressionTargets);
        return new Dictionary<string, Tensor>
        {
            ["loss_classifier"] = lossClassifier.MoveToOuterDisposeScope(),
            ["loss_box_reg"] = lossBoxReg.MoveToOuterDisposeScope(),
        };
    }

    /// <summary>
    /// The sampled proposals of each image, their labels (int64, 0 background) concatenated, and their regression
    /// targets [ΣS, 4] (the matched ground-truth boxes encoded relative to them), as <c>select_training_samples</c>.
    /// </summary>
    internal (List<Tensor> Proposals, Tensor Labels, Tensor RegressionTargets) SelectTrainingSamples(IReadOnlyList<Tensor> proposals,
        IReadOnlyList<DetectionTarget> targets, Generator? generator)
    {
        if (targets.Count != proposals.Count)
            throw new ArgumentException($"RoIHeads needs one target per image, got {targets.Count} for {proposals.Count} images");
        using var scope = torch.NewDisposeScope();
        var dtype = proposals[0].dtype;
        var device = proposals[0].device;
        var matcher = new Matcher(Options.BoxForegroundIou, Options.BoxBackgroundIou, allowLowQualityMatches: false);
        var sampler = new BalancedPositiveNegativeSampler(Options.BoxBatchSizePerImage, Options.BoxPositiveFraction);

        var allProposals = new List<Tensor>();
        var matchedIdxs = new List<Tensor>();
        var allLabels = new List<Tensor>();
        var gtBoxes = new List<Tensor>();
        for (int i = 0; i < proposals.Count; i++)
        {
            var target = targets[i];
            if (target.Boxes.dim() != 2 || target.Boxes.shape[1] != 4 || !target.Boxes.is_floating_point())
                throw new ArgumentException($"target boxes of image {i} must be floating point [n, 4], got {target.Boxes.dtype} [{string.Join(", ", target.Boxes.shape)}]");
            if (target.Labels.dtype != ScalarType.Int64 || target.Labels.dim() != 1 || target.Labels.shape[0] != target.Boxes.shape[0])
                throw new ArgumentException($"target labels of image {i} must be int64 [n] with one label per box, got {target.Labels.dtype} [{string.Join(", ", target.Labels.shape)}]");
            var gt = target.Boxes.to(dtype, device);
            var gtLabels = target.Labels.to(device);
            var withGt = torch.cat(new[] { proposals[i].detach(), gt }, 0);
            long n = withGt.shape[0];
            Tensor matched, labels;
            if (gt.numel() == 0)
            {
                matched = torch.zeros(new[] { n }, dtype: ScalarType.Int64, device: device);
                labels = torch.zeros(new[] { n }, dtype: ScalarType.Int64, device: device);
            }
            else
            {
                var m = matcher.Match(BoxOps.Iou(gt, withGt));
                using var zero = 0L.ToScalar();
                matched = m.clamp_min(zero);
                labels = gtLabels.index_select(0, matched);
                using var below = Matcher.BelowLowThreshold.ToScalar();
                using var between = Matcher.BetweenThresholds.ToScalar();
                using var background = 0L.ToScalar();
                using var ignore = (-1L).ToScalar();
                labels = labels.masked_fill(m.eq(below), background).masked_fill(m.eq(between), ignore);
            }
            allProposals.Add(withGt);
            matchedIdxs.Add(matched);
            allLabels.Add(labels);
            gtBoxes.Add(gt.numel() == 0 ? torch.zeros(new[] { 1L, 4 }, dtype: dtype, device: device) : gt);
        }

        var (positive, negative) = sampler.Sample(allLabels, generator);
        var sampledProposals = new List<Tensor>();
        var sampledLabels = new List<Tensor>();
        var matchedGt = new List<Tensor>();
        for (int i = 0; i < proposals.Count; i++)
        {
            var inds = positive[i].logical_or(negative[i]).nonzero().view(-1);
            sampledProposals.Add(allProposals[i].index_select(0, inds));
            sampledLabels.Add(allLabels[i].index_select(0, inds));
            matchedGt.Add(gtBoxes[i].index_select(0, matchedIdxs[i].index_select(0, inds)));
        }
        var regressionTargets = BoxCoder.Encode(torch.cat(matchedGt.ToArray(), 0), torch.cat(sampledProposals.ToArray(), 0));
        foreach (var p in sampledProposals)
            p.MoveToOuterDisposeScope();
        return (sampledProposals, torch.cat(sampledLabels.ToArray(), 0).MoveToOuterDisposeScope(), regressionTargets.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// torchvision's <c>fastrcnn_loss</c>: cross-entropy of <paramref name="classLogits"/> [S, K] with
    /// <paramref name="labels"/> [S], and the smooth L1 (β = 1/9) sum over the positives of their class's four
    /// deltas of <paramref name="boxRegression"/> [S, 4K] against <paramref name="regressionTargets"/> [S, 4], divided by S.
    /// </summary>
    internal static (Tensor Classifier, Tensor BoxReg) FastRcnnLoss(Tensor classLogits, Tensor boxRegression, Tensor labels, Tensor regressionTargets)
    {
        using var scope = torch.NewDisposeScope();
        var classification = nn.functional.cross_entropy(classLogits, labels);
        long n = classLogits.shape[0];
        var positive = labels.gt(SafeScalars.Zero).nonzero().view(-1);
        var labelsPos = labels.index_select(0, positive);
        var perClass = boxRegression.reshape(n, -1, 4).index_select(0, positive);
        var predicted = perClass.gather(1, labelsPos.view(-1, 1, 1).expand(-1, 1, 4)).squeeze(1);
        var boxLoss = nn.functional.smooth_l1_loss(predicted, regressionTargets.index_select(0, positive), nn.Reduction.Sum, 1.0 / 9);
        using var count = ((double)labels.numel()).ToScalar();
        return (classification.MoveToOuterDisposeScope(), boxLoss.div(count).MoveToOuterDisposeScope());
    }

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

        var results = new List<Detections>();
        long offset = 0;
        for (int i = 0; i < proposals.Count; i++)
        {
            using var imageScope = torch.NewDisposeScope();
            long n = proposals[i].shape[0];
            var boxes = BoxOps.ClipToImage(predBoxes.narrow(0, offset, n), imageSizes[i].Height, imageSizes[i].Width);
            var scores = predScores.narrow(0, offset, n);
            offset += n;
            var labels = torch.arange(numClasses, dtype: ScalarType.Int64, device: classLogits.device).view(1, -1).expand(n, numClasses);

            boxes = boxes.narrow(1, 1, numClasses - 1).reshape(-1, 4);
            scores = scores.narrow(1, 1, numClasses - 1).reshape(-1);
            labels = labels.narrow(1, 1, numClasses - 1).reshape(-1);

            var inds = scores.gt(threshold).nonzero().view(-1);
            (boxes, scores, labels) = (boxes.index_select(0, inds), scores.index_select(0, inds), labels.index_select(0, inds));

            var keep = BoxOps.RemoveSmall(boxes, MinBoxSize);
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
}
