using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision 0.14's <c>RegionProposalNetwork</c> (<c>models/detection/rpn.py</c>) with its
/// <see cref="AnchorGenerator"/> (<c>anchor_generator</c>, no parameters) and <see cref="RpnHead"/>
/// (<c>head</c>: state_dict keys head.conv.0.0.weight/bias, head.cls_logits.*, head.bbox_pred.*).
/// Proposals: deltas decoded on the anchors (BoxCoder (1,1,1,1)), the top pre-NMS-n anchors per level by
/// objectness, clipped to the image, boxes under 1e-3 pixels removed, scores (sigmoid) below the score
/// threshold removed, NMS per level, the top post-NMS-n kept; the train or test numbers by <c>training</c>.
/// Losses (training with targets): anchors matched to the ground truth (IoU ≥ 0.7 foreground, &lt; 0.3
/// background, each box's best anchors kept), 256 anchors sampled per image with half positives at most,
/// binary cross-entropy of the objectness and smooth-L1 (β = 1/9, summed, divided by the sampled count) of
/// the positives' deltas.
/// </summary>
internal sealed class RegionProposalNetwork : nn.Module
{
    /// <summary>torchvision's <c>min_size</c> of proposals.</summary>
    public const double MinSize = 1e-3;

#pragma warning disable IDE1006 // state_dict names
    private readonly AnchorGenerator anchor_generator;
    private readonly RpnHead head;
#pragma warning restore IDE1006
    private readonly BoxCoder boxCoder = new(1, 1, 1, 1);
    private readonly Matcher proposalMatcher;
    private readonly BalancedPositiveNegativeSampler fgBgSampler;
    private readonly FasterRcnnOptions options;

    /// <summary>The RPN of <paramref name="options"/>: anchors of its sizes and ratios on FpnChannels-channel features.</summary>
    public RegionProposalNetwork(FasterRcnnOptions options) : base("RegionProposalNetwork")
    {
        this.options = options;
        anchor_generator = new AnchorGenerator(options.AnchorSizes, options.AspectRatios);
        head = new RpnHead(options.FpnChannels, anchor_generator.NumAnchorsPerLocation);
        proposalMatcher = new Matcher(options.RpnForegroundIou, options.RpnBackgroundIou, allowLowQualityMatches: true);
        fgBgSampler = new BalancedPositiveNegativeSampler(options.RpnBatchSizePerImage, options.RpnPositiveFraction);
        RegisterComponents();
    }

    /// <summary>The anchor generator.</summary>
    public AnchorGenerator Anchors => anchor_generator;

    /// <summary>The head.</summary>
    public RpnHead Head => head;

    private int PreNmsTopN => training ? options.RpnPreNmsTopNTrain : options.RpnPreNmsTopNTest;

    private int PostNmsTopN => training ? options.RpnPostNmsTopNTrain : options.RpnPostNmsTopNTest;

    /// <summary>
    /// Proposals per image (x1,y1,x2,y2 in the transformed image's coordinates) and, when targets are given
    /// in training mode, the losses loss_objectness and loss_rpn_box_reg. Features: the FPN levels in order
    /// "0","1","2","3","pool". Targets' boxes are in the transformed image's coordinates.
    /// </summary>
    public (IReadOnlyList<Tensor> Proposals, IReadOnlyDictionary<string, Tensor> Losses) Forward(
        ImageList images, IReadOnlyList<Tensor> features, IReadOnlyList<DetectionTarget>? targets = null, Generator? generator = null)
    {
        if (features.Count == 0)
            throw new ArgumentException("the RPN needs at least one feature level");
        int numImages = images.ImageSizes.Count;
        foreach (var f in features)
            if (f.dim() != 4 || f.shape[0] != numImages)
                throw new ArgumentException($"RPN features must be [{numImages}, C, H, W] for {numImages} images, got [{string.Join(", ", f.shape)}]");
        if (targets is not null && targets.Count != numImages)
            throw new ArgumentException($"the RPN got {targets.Count} targets for {numImages} images");

        using var scope = torch.NewDisposeScope();
        var (objectnessLevels, deltaLevels) = head.Forward(features);
        var anchors = anchor_generator.Forward(images, features);
        var numAnchorsPerLevel = objectnessLevels.Select(o => o.shape[1] * o.shape[2] * o.shape[3]).ToArray();
        var (objectness, predBoxDeltas) = ConcatBoxPredictionLayers(objectnessLevels, deltaLevels);
        // the proposals are not backpropagated through (Faster R-CNN)
        var proposals = boxCoder.Decode(predBoxDeltas.detach(), anchors).view(numImages, -1, 4);
        var boxes = FilterProposals(proposals, objectness, images.ImageSizes, numAnchorsPerLevel);

        var losses = new Dictionary<string, Tensor>();
        if (training && targets is not null)
        {
            var (labels, matchedGtBoxes) = AssignTargetsToAnchors(anchors, targets);
            var regressionTargets = boxCoder.Encode(torch.cat(matchedGtBoxes.ToArray(), 0), torch.cat(anchors.ToArray(), 0));
            var (lossObjectness, lossBoxReg) = ComputeLoss(objectness, predBoxDeltas, labels, regressionTargets, generator);
            losses["loss_objectness"] = lossObjectness.MoveToOuterDisposeScope();
            losses["loss_rpn_box_reg"] = lossBoxReg.MoveToOuterDisposeScope();
        }
        foreach (var b in boxes)
            b.MoveToOuterDisposeScope();
        return (boxes, losses);
    }

    /// <summary>
    /// torchvision's <c>concat_box_prediction_layers</c>: the levels' [N, A·C, H, W] and [N, A·4, H, W] maps as
    /// [N·ΣHWA, C] and [N·ΣHWA, 4], each image's anchors in the anchor generator's order.
    /// </summary>
    internal static (Tensor Classes, Tensor BoxRegression) ConcatBoxPredictionLayers(IReadOnlyList<Tensor> boxClasses, IReadOnlyList<Tensor> boxRegression)
    {
        using var scope = torch.NewDisposeScope();
        var cls = new Tensor[boxClasses.Count];
        var reg = new Tensor[boxClasses.Count];
        for (int l = 0; l < boxClasses.Count; l++)
        {
            long n = boxClasses[l].shape[0], axc = boxClasses[l].shape[1], h = boxClasses[l].shape[2], w = boxClasses[l].shape[3];
            long a = boxRegression[l].shape[1] / 4;
            long c = axc / a;
            cls[l] = PermuteAndFlatten(boxClasses[l], n, c, h, w);
            reg[l] = PermuteAndFlatten(boxRegression[l], n, 4, h, w);
        }
        var classes = torch.cat(cls, 1).flatten(0, -2);
        var regression = torch.cat(reg, 1).reshape(-1, 4);
        return (classes.MoveToOuterDisposeScope(), regression.MoveToOuterDisposeScope());
    }

    private static Tensor PermuteAndFlatten(Tensor layer, long n, long c, long h, long w) =>
        layer.view(n, -1, c, h, w).permute(0, 3, 4, 1, 2).reshape(n, -1, c);

    /// <summary>torchvision's <c>filter_proposals</c>: the kept proposals of each image, best first.</summary>
    private List<Tensor> FilterProposals(Tensor proposals, Tensor objectness, IReadOnlyList<(int Height, int Width)> imageShapes, long[] numAnchorsPerLevel)
    {
        using var scope = torch.NewDisposeScope();
        long numImages = proposals.shape[0];
        var device = proposals.device;
        objectness = objectness.detach().reshape(numImages, -1);

        // the top pre-NMS-n anchors of each level, and each one's level
        var topIdx = new List<Tensor>();
        var levelOfTop = new List<Tensor>();
        long offset = 0;
        for (int l = 0; l < numAnchorsPerLevel.Length; l++)
        {
            long count = numAnchorsPerLevel[l];
            var ob = objectness.narrow(1, offset, count);
            long k = Math.Min(PreNmsTopN, count);
            var idx = ob.topk((int)k, 1).indexes;
            using (var off = offset.ToScalar())
                topIdx.Add(idx.add(off, SafeScalars.One));
            using (var lv = ((long)l).ToScalar())
                levelOfTop.Add(torch.full(idx.shape, lv, dtype: ScalarType.Int64, device: device));
            offset += count;
        }
        var top = torch.cat(topIdx.ToArray(), 1);
        var levels = torch.cat(levelOfTop.ToArray(), 1);
        var topObjectness = objectness.gather(1, top);
        var topProposals = proposals.gather(1, top.unsqueeze(2).expand(-1, -1, 4));
        var probabilities = torch.sigmoid(topObjectness);

        var finalBoxes = new List<Tensor>();
        using var scoreThreshold = ((double)options.RpnScoreThreshold).ToScalar();
        for (int i = 0; i < numImages; i++)
        {
            var boxes = BoxOps.ClipToImage(topProposals[i], imageShapes[i].Height, imageShapes[i].Width);
            var scores = probabilities[i];
            var lvl = levels[i];

            var keep = BoxOps.RemoveSmall(boxes, MinSize);
            (boxes, scores, lvl) = (boxes.index_select(0, keep), scores.index_select(0, keep), lvl.index_select(0, keep));

            keep = scores.ge(scoreThreshold).nonzero().view(-1);
            (boxes, scores, lvl) = (boxes.index_select(0, keep), scores.index_select(0, keep), lvl.index_select(0, keep));

            keep = Nms.Batched(boxes, scores, lvl, options.RpnNmsThreshold);
            keep = keep.narrow(0, 0, Math.Min(PostNmsTopN, keep.shape[0]));
            finalBoxes.Add(boxes.index_select(0, keep).MoveToOuterDisposeScope());
        }
        return finalBoxes;
    }

    /// <summary>
    /// torchvision's <c>assign_targets_to_anchors</c>: per image, the label of every anchor (1 foreground, 0
    /// background, −1 ignored; all background when the image has no boxes) and its matched ground-truth box.
    /// </summary>
    internal (List<Tensor> Labels, List<Tensor> MatchedGtBoxes) AssignTargetsToAnchors(IReadOnlyList<Tensor> anchors, IReadOnlyList<DetectionTarget> targets)
    {
        var labels = new List<Tensor>(anchors.Count);
        var matched = new List<Tensor>(anchors.Count);
        for (int i = 0; i < anchors.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var anchorsPerImage = anchors[i];
            var gtBoxes = targets[i].Boxes;
            if (gtBoxes.numel() != 0 && (gtBoxes.dim() != 2 || gtBoxes.shape[1] != 4))
                throw new ArgumentException($"target boxes must be [n, 4] (x1, y1, x2, y2), got [{string.Join(", ", gtBoxes.shape)}]");
            Tensor labelsPerImage, matchedPerImage;
            if (gtBoxes.numel() == 0)
            {
                matchedPerImage = torch.zeros(anchorsPerImage.shape, dtype: ScalarType.Float32, device: anchorsPerImage.device);
                labelsPerImage = torch.zeros(anchorsPerImage.shape[0], dtype: ScalarType.Float32, device: anchorsPerImage.device);
            }
            else
            {
                var gt = gtBoxes.to(anchorsPerImage.device).to_type(anchorsPerImage.dtype);
                var matchedIdxs = proposalMatcher.Match(BoxOps.Iou(gt, anchorsPerImage));
                using var zeroIndex = 0L.ToScalar();
                matchedPerImage = gt.index_select(0, matchedIdxs.clamp_min(zeroIndex));
                var foreground = matchedIdxs.ge(SafeScalars.Zero).to_type(ScalarType.Float32);
                using var between = Matcher.BetweenThresholds.ToScalar();
                var minusOne = torch.tensor(-1f, device: anchorsPerImage.device);
                labelsPerImage = torch.where(matchedIdxs.eq(between), minusOne, foreground);
            }
            labels.Add(labelsPerImage.MoveToOuterDisposeScope());
            matched.Add(matchedPerImage.MoveToOuterDisposeScope());
        }
        return (labels, matched);
    }

    /// <summary>torchvision's <c>compute_loss</c> on the anchors sampled from <paramref name="generator"/>.</summary>
    private (Tensor Objectness, Tensor BoxRegression) ComputeLoss(Tensor objectness, Tensor predBoxDeltas, List<Tensor> labels, Tensor regressionTargets, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var (posMasks, negMasks) = fgBgSampler.Sample(labels, generator);
        var sampledPos = torch.cat(posMasks.ToArray(), 0).nonzero().view(-1);
        var sampledNeg = torch.cat(negMasks.ToArray(), 0).nonzero().view(-1);
        var sampled = torch.cat(new[] { sampledPos, sampledNeg }, 0);

        var flatObjectness = objectness.flatten();
        var allLabels = torch.cat(labels.ToArray(), 0);

        var boxLoss = nn.functional.smooth_l1_loss(
            predBoxDeltas.index_select(0, sampledPos), regressionTargets.index_select(0, sampledPos),
            reduction: nn.Reduction.Sum, beta: 1.0 / 9);
        using (var count = ((double)sampled.shape[0]).ToScalar())
            boxLoss = boxLoss.div(count);
        var objectnessLoss = nn.functional.binary_cross_entropy_with_logits(
            flatObjectness.index_select(0, sampled), allLabels.index_select(0, sampled));
        return (objectnessLoss.MoveToOuterDisposeScope(), boxLoss.MoveToOuterDisposeScope());
    }
}
