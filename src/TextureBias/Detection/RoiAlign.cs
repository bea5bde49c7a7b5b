using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// RoIAlign (He et al. 2017) exactly as torchvision 0.14's <c>ops.roi_align</c> (its CPU kernel): each RoI
/// (x1, y1, x2, y2 in image coordinates, scaled by the spatial scale; with <c>aligned=false</c> no half-pixel
/// shift and width and height at least 1) is divided into h×w bins; each bin averages a grid of
/// sampling points (sampling ratio² points, or ⌈roi size / bins⌉ per axis when the ratio is ≤ 0), each
/// read by bilinear interpolation: a point with y &lt; −1 or y &gt; H (or x &lt; −1 or x &gt; W) contributes 0,
/// otherwise negative coordinates are clamped to 0 and a point in the last row or column reads that row or
/// column. Implemented with tensor ops (a gather of the four neighbours of every sampling point), so it runs
/// on the features' device and is differentiable with respect to the features (not the RoIs, as torchvision).
/// </summary>
public static class RoiAlign
{
    /// <summary>Gathered elements per chunk of RoIs (bounds the memory of one chunk to a few tens of MB).</summary>
    private const long ChunkElements = 8L << 20;

    /// <summary>
    /// Pools <paramref name="features"/> [N, C, H, W] over <paramref name="rois"/> [K, 5] (batch index, x1, y1,
    /// x2, y2) into [K, C, outputHeight, outputWidth].
    /// </summary>
    public static Tensor Apply(Tensor features, Tensor rois, (int Height, int Width) outputSize, double spatialScale,
        int samplingRatio = 2, bool aligned = false)
    {
        if (features.dim() != 4)
            throw new ArgumentException($"RoIAlign features must be [N, C, H, W], got [{string.Join(", ", features.shape)}]");
        if (rois.dim() != 2 || rois.shape[1] != 5)
            throw new ArgumentException($"RoIAlign rois must be [K, 5] (batch index, x1, y1, x2, y2), got [{string.Join(", ", rois.shape)}]");
        if (outputSize.Height <= 0 || outputSize.Width <= 0)
            throw new ArgumentOutOfRangeException(nameof(outputSize), $"RoIAlign output size must be positive, got {outputSize.Height}×{outputSize.Width}");
        if (!(spatialScale > 0) || double.IsInfinity(spatialScale))
            throw new ArgumentOutOfRangeException(nameof(spatialScale), $"RoIAlign spatial scale must be positive, got {spatialScale}");

        long n = features.shape[0], c = features.shape[1], height = features.shape[2], width = features.shape[3];
        long k = rois.shape[0];
        int ph = outputSize.Height, pw = outputSize.Width;
        if (k == 0 || c == 0)
            return torch.zeros(new[] { k, c, (long)ph, pw }, dtype: features.dtype, device: features.device);
        if (height == 0 || width == 0)
            return torch.zeros(new[] { k, c, (long)ph, pw }, dtype: features.dtype, device: features.device);

        using var scope = torch.NewDisposeScope();
        var r = rois.detach().to(features.dtype, features.device);
        var batch = r.select(1, 0).to_type(ScalarType.Int64);
        long minBatch = batch.min().item<long>(), maxBatch = batch.max().item<long>();
        if (minBatch < 0 || maxBatch >= n)
            throw new ArgumentException($"RoIAlign batch indices must be in [0, {n - 1}], got {minBatch}..{maxBatch}");

        double offset = aligned ? 0.5 : 0.0;
        var startW = r.select(1, 1).Times(spatialScale).Plus(-offset);
        var startH = r.select(1, 2).Times(spatialScale).Plus(-offset);
        var endW = r.select(1, 3).Times(spatialScale).Plus(-offset);
        var endH = r.select(1, 4).Times(spatialScale).Plus(-offset);
        var roiW = endW.Minus(startW);
        var roiH = endH.Minus(startH);
        if (!aligned)
        {
            roiW = roiW.clamp_min(SafeScalars.One);
            roiH = roiH.clamp_min(SafeScalars.One);
        }
        // torchvision divides: bin_size_h = roi_height / pooled_height.
        var binH = roiH.div(torch.tensor((double)ph, dtype: r.dtype, device: r.device));
        var binW = roiW.div(torch.tensor((double)pw, dtype: r.dtype, device: r.device));

        Tensor gridH, gridW;
        long maxGridH, maxGridW;
        if (samplingRatio > 0)
        {
            using var ratio = samplingRatio.ToScalar();
            gridH = torch.full(new[] { k }, ratio, dtype: r.dtype, device: r.device);
            gridW = torch.full(new[] { k }, ratio, dtype: r.dtype, device: r.device);
            maxGridH = maxGridW = samplingRatio;
        }
        else
        {
            gridH = binH.ceil();
            gridW = binW.ceil();
            maxGridH = Math.Max(1, (long)gridH.max().item<float>());
            maxGridW = Math.Max(1, (long)gridW.max().item<float>());
        }
        var count = gridH.mul(gridW).clamp_min(SafeScalars.One); // [K]

        var (yLow, yHigh, wyLow, wyHigh) = Axis(startH, binH, gridH, ph, maxGridH, height); // [K, ph, Gh]
        var (xLow, xHigh, wxLow, wxHigh) = Axis(startW, binW, gridW, pw, maxGridW, width);  // [K, pw, Gw]

        // Every output bin is a weighted sum of the 4·Gh·Gw neighbours of its sampling points: one gather of
        // those neighbours ([bins, 4·Gh·Gw, C], channels last) and one batched matrix product with their weights.
        var flat = features.permute(0, 2, 3, 1).reshape(n * height * width, c);
        var rowBase = batch.mul(torch.tensor(height * width, dtype: ScalarType.Int64, device: r.device)).view(k, 1, 1, 1, 1, 1, 1);
        using var widthScalar = width.ToScalar();
        var yIdx = torch.stack(new[] { yLow, yHigh }, 3).view(k, ph, maxGridH, 2, 1, 1, 1);
        var xIdx = torch.stack(new[] { xLow, xHigh }, 3).view(k, 1, 1, 1, pw, maxGridW, 2);
        var wy = torch.stack(new[] { wyLow, wyHigh }, 3).view(k, ph, maxGridH, 2, 1, 1, 1);
        var wx = torch.stack(new[] { wxLow, wxHigh }, 3).view(k, 1, 1, 1, pw, maxGridW, 2);
        long points = 4 * maxGridH * maxGridW;
        // [K, ph, Gh, 2, pw, Gw, 2] → [K, ph, pw, Gh, 2, Gw, 2] → [K·ph·pw, points]
        var index = rowBase.Plus(yIdx.mul(widthScalar)).Plus(xIdx).permute(0, 1, 4, 2, 3, 5, 6).reshape(k * ph * pw, points);
        var weight = wy.mul(wx).div(count.view(k, 1, 1, 1, 1, 1, 1)).permute(0, 1, 4, 2, 3, 5, 6).reshape(k * ph * pw, 1, points);

        long perRoi = ph * pw * points * c;
        long chunk = Math.Max(1, ChunkElements / Math.Max(1, perRoi)) * ph * pw; // rows of index, whole RoIs
        var outputs = new List<Tensor>();
        long rowsTotal = k * ph * pw;
        for (long s = 0; s < rowsTotal; s += chunk)
        {
            long m = Math.Min(chunk, rowsTotal - s);
            using var chunkScope = torch.NewDisposeScope(); // frees each chunk's gathered neighbours (autograd keeps what it needs)
            var values = flat.index_select(0, index.narrow(0, s, m).reshape(-1)).view(m, points, c);
            outputs.Add(torch.bmm(weight.narrow(0, s, m), values).view(m, c).MoveToOuterDisposeScope());
        }
        var pooled = (outputs.Count == 1 ? outputs[0] : torch.cat(outputs.ToArray(), 0)).view(k, ph, pw, c);
        var result = pooled.permute(0, 3, 1, 2);
        return result.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pools over per-image boxes (x1, y1, x2, y2), one [L<sub>i</sub>, 4] tensor per image of the batch,
    /// as torchvision's <c>roi_align</c> with a list of boxes.
    /// </summary>
    public static Tensor Apply(Tensor features, IReadOnlyList<Tensor> boxes, (int Height, int Width) outputSize, double spatialScale,
        int samplingRatio = 2, bool aligned = false)
    {
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (int i = 0; i < boxes.Count; i++)
        {
            var b = boxes[i];
            if (b.dim() != 2 || b.shape[1] != 4)
                throw new ArgumentException($"RoIAlign boxes of image {i} must be [L, 4], got [{string.Join(", ", b.shape)}]");
            var bd = b.detach().to(features.dtype, features.device);
            using var imageIndex = i.ToScalar();
            var index = torch.full(new[] { b.shape[0], 1L }, imageIndex, dtype: features.dtype, device: features.device);
            parts.Add(torch.cat(new[] { index, bd }, 1));
        }
        var rois = parts.Count == 0 ? torch.zeros(0, 5, dtype: features.dtype, device: features.device) : torch.cat(parts.ToArray(), 0);
        return Apply(features, rois, outputSize, spatialScale, samplingRatio, aligned).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Neighbour indices and weights along one axis for every RoI, bin and sampling point: each [K, bins, G]
    /// (weights already zero for points outside the map or beyond the RoI's own grid).
    /// </summary>
    private static (Tensor Low, Tensor High, Tensor WLow, Tensor WHigh) Axis(Tensor start, Tensor bin, Tensor grid, int bins, long maxGrid, long size)
    {
        var device = start.device;
        var dtype = start.dtype;
        var p = torch.arange(bins, dtype: dtype, device: device).view(1, bins, 1);
        var i = torch.arange(maxGrid, dtype: dtype, device: device).view(1, 1, maxGrid);
        var b = bin.view(-1, 1, 1);
        var g = grid.view(-1, 1, 1);
        // y = roi_start + p·bin + (i + 0.5)·bin / grid, in torchvision's order of operations.
        var pos = start.view(-1, 1, 1).Plus(p.mul(b)).Plus(i.Plus(0.5).mul(b).div(g));
        var inGrid = i.lt(g);
        using var minusOne = (-1.0).ToScalar();
        using var sizeScalar = ((double)size).ToScalar();
        var valid = pos.ge(minusOne).logical_and(pos.le(sizeScalar)).logical_and(inGrid);
        var clamped = pos.clamp_min(SafeScalars.Zero);
        var lowRaw = clamped.floor();
        using var last = ((double)(size - 1)).ToScalar();
        var atEdge = lowRaw.ge(last);
        var lastT = torch.tensor((double)(size - 1), dtype: dtype, device: device);
        var low = torch.where(atEdge, lastT, lowRaw);
        var high = torch.where(atEdge, lastT, lowRaw.Plus(1.0));
        var y = torch.where(atEdge, low, clamped);
        var l = y.Minus(low);
        var h = torch.ones_like(l).Minus(l);
        var mask = valid.to_type(dtype);
        // Out-of-range positions (invalid anyway) are clamped so that the gather stays in bounds.
        using var zeroL = 0L.ToScalar();
        using var lastL = (size - 1).ToScalar();
        return (low.to_type(ScalarType.Int64).clamp(zeroL, lastL), high.to_type(ScalarType.Int64).clamp(zeroL, lastL), h.mul(mask), l.mul(mask));
    }
}
