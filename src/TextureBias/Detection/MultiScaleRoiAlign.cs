using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision 0.14's <c>ops.MultiScaleRoIAlign</c> over the FPN levels "0".."3": each RoI is assigned a level
/// by the FPN heuristic (<see cref="MapLevels"/>), pooled with <see cref="RoiAlign"/> (aligned=false) from that
/// level at its scale, and the pooled features are returned in the RoIs' order. The levels' scales are inferred
/// from the feature and image sizes as torchvision's <c>_infer_scale</c> (the height ratio rounded to a power of
/// two). torchvision infers them on its first call and keeps them; here they are inferred on every call (the same
/// on a fresh model and whenever the rounding agrees, as it does for images resized by the transform).
/// No parameters.
/// </summary>
internal sealed class MultiScaleRoiAlign : nn.Module
{
    /// <summary>The FPN paper's canonical box size (224) and level (4), and torchvision's epsilon.</summary>
    public const int CanonicalScale = 224;
    public const int CanonicalLevel = 4;
    public const float Epsilon = 1e-6f;

    public MultiScaleRoiAlign(int outputSize = 7, int samplingRatio = 2) : base("MultiScaleRoIAlign")
    {
        if (outputSize <= 0) throw new ArgumentOutOfRangeException(nameof(outputSize), $"MultiScaleRoIAlign output size must be positive, got {outputSize}");
        OutputSize = outputSize;
        SamplingRatio = samplingRatio;
    }

    /// <summary>Height and width of every pooled RoI.</summary>
    public int OutputSize { get; }

    /// <summary>RoIAlign's sampling ratio.</summary>
    public int SamplingRatio { get; }

    /// <summary>
    /// Scales of the feature maps relative to the largest image (torchvision's <c>_setup_scales</c>): per level
    /// 2^round(log2(feature height / max image height)) in float32, and the mapper's k_min and k_max
    /// (−log2 of the first and last scale, truncated).
    /// </summary>
    public static (double[] Scales, int KMin, int KMax) InferScales(IReadOnlyList<Tensor> features, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        if (imageSizes.Count == 0)
            throw new ArgumentException("MultiScaleRoIAlign needs the sizes of at least one image");
        if (features.Count == 0)
            throw new ArgumentException("MultiScaleRoIAlign needs at least one feature map");
        int maxHeight = imageSizes.Max(s => s.Height);
        var scales = new double[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            if (features[i].dim() != 4)
                throw new ArgumentException($"MultiScaleRoIAlign features must be [N, C, H, W], got [{string.Join(", ", features[i].shape)}] at level {i}");
            // float(s1) / float(s2) in double, then torch.tensor(...) (float32), log2, round half to even.
            float approx = (float)((double)features[i].shape[2] / maxHeight);
            float log = MathF.Round(MathF.Log2(approx), MidpointRounding.ToEven);
            scales[i] = Math.Pow(2, log);
        }
        int kMin = (int)-MathF.Log2((float)scales[0]);
        int kMax = (int)-MathF.Log2((float)scales[^1]);
        return (scales, kMin, kMax);
    }

    /// <summary>
    /// torchvision's <c>LevelMapper</c>: the level index (0-based, int64) of every box of every image, concatenated:
    /// clamp(floor(4 + log2(√area / 224) + 1e-6), k_min, k_max) − k_min, in the boxes' dtype.
    /// </summary>
    public static Tensor MapLevels(IReadOnlyList<Tensor> boxes, int kMin, int kMax)
    {
        using var scope = torch.NewDisposeScope();
        var all = boxes.Count == 1 ? boxes[0] : torch.cat(boxes.ToArray(), 0);
        var area = all.select(1, 2).Minus(all.select(1, 0)).mul(all.select(1, 3).Minus(all.select(1, 1)));
        var s = area.sqrt();
        using var s0 = ((double)CanonicalScale).ToScalar();
        using var lvl0 = ((double)CanonicalLevel).ToScalar();
        var eps = torch.tensor(Epsilon, dtype: s.dtype, device: s.device);
        var target = s.div(s0).log2().add(lvl0, SafeScalars.One).Plus(eps).floor();
        using var lo = ((double)kMin).ToScalar();
        using var hi = ((double)kMax).ToScalar();
        using var kMinL = ((long)kMin).ToScalar();
        return target.clamp(lo, hi).to_type(ScalarType.Int64).sub(kMinL).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pools <paramref name="boxes"/> (one [L<sub>i</sub>, 4] tensor per image, x1,y1,x2,y2 in the transformed
    /// image's pixels) from <paramref name="features"/> (the pooled levels, finest first, [N, C, H<sub>l</sub>, W<sub>l</sub>])
    /// into [ΣL<sub>i</sub>, C, OutputSize, OutputSize].
    /// </summary>
    public Tensor Forward(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> boxes, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        var (scales, kMin, kMax) = InferScales(features, imageSizes);
        var size = (OutputSize, OutputSize);
        using var scope = torch.NewDisposeScope();
        var first = features[0];
        var rois = ToRois(boxes, first);
        if (features.Count == 1)
            return RoiAlign.Apply(first, rois, size, scales[0], SamplingRatio).MoveToOuterDisposeScope();

        var levels = MapLevels(boxes, kMin, kMax).to(first.device);
        long k = rois.shape[0];
        if (k == 0)
            return torch.zeros(new[] { 0L, first.shape[1], OutputSize, OutputSize }, dtype: first.dtype, device: first.device).MoveToOuterDisposeScope();
        var pooled = new List<Tensor>();
        var order = new List<Tensor>();
        for (int level = 0; level < features.Count; level++)
        {
            using var l = ((long)level).ToScalar();
            var idx = levels.eq(l).nonzero().view(-1);
            if (idx.shape[0] == 0)
                continue;
            pooled.Add(RoiAlign.Apply(features[level], rois.index_select(0, idx), size, scales[level], SamplingRatio).to_type(first.dtype));
            order.Add(idx);
        }
        var all = pooled.Count == 1 ? pooled[0] : torch.cat(pooled.ToArray(), 0);
        var positions = order.Count == 1 ? order[0] : torch.cat(order.ToArray(), 0);
        // all[j] belongs to RoI positions[j]: put them back in the RoIs' order.
        var inverse = positions.argsort();
        return all.index_select(0, inverse).MoveToOuterDisposeScope();
    }

    /// <summary>torchvision's <c>_convert_to_roi_format</c>: [K, 5] rows (image index, x1, y1, x2, y2).</summary>
    private static Tensor ToRois(IReadOnlyList<Tensor> boxes, Tensor like)
    {
        if (boxes.Count == 0)
            return torch.zeros(0, 5, dtype: like.dtype, device: like.device);
        var parts = new Tensor[boxes.Count];
        for (int i = 0; i < boxes.Count; i++)
        {
            var b = boxes[i];
            if (b.dim() != 2 || b.shape[1] != 4)
                throw new ArgumentException($"MultiScaleRoIAlign boxes of image {i} must be [L, 4], got [{string.Join(", ", b.shape)}]");
            var bd = b.detach().to(like.dtype, like.device);
            using var index = ((double)i).ToScalar();
            parts[i] = torch.cat(new[] { torch.full(new[] { b.shape[0], 1L }, index, dtype: like.dtype, device: like.device), bd }, 1);
        }
        return parts.Length == 1 ? parts[0] : torch.cat(parts, 0);
    }
}
