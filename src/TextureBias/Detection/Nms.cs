using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// Non-maximum suppression as torchvision 0.14's <c>ops.nms</c> and <c>ops.batched_nms</c>: boxes are
/// visited in decreasing score; a box is kept unless a kept box overlaps it with IoU &gt; the threshold
/// (areas (x2 − x1)·(y2 − y1), no +1). Equal scores are visited in index order (a stable sort).
/// The IoU comparisons are computed with tensor ops in blocks of rows and read to the CPU once per
/// block; only the greedy pass runs in C#, so there is no per-box round trip to the tensor library.
/// </summary>
public static class Nms
{
    /// <summary>Rows of the IoU matrix computed at once (bounds memory to BlockRows·N bools and floats).</summary>
    private const int BlockRows = 512;

    /// <summary>
    /// Indices (int64, on the boxes' device) of the boxes kept by NMS over <paramref name="boxes"/> [N, 4]
    /// (x1, y1, x2, y2) with <paramref name="scores"/> [N], sorted by decreasing score.
    /// </summary>
    public static Tensor Single(Tensor boxes, Tensor scores, double iouThreshold)
    {
        Check(boxes, scores);
        using var scope = torch.NewDisposeScope();
        long n = boxes.shape[0];
        if (n == 0)
            return torch.empty(0, dtype: ScalarType.Int64, device: boxes.device).MoveToOuterDisposeScope();

        var order = scores.detach().sort(0, descending: true, stable: true).Indices;
        var sorted = boxes.detach().index_select(0, order);
        var x1 = sorted.select(1, 0); var y1 = sorted.select(1, 1);
        var x2 = sorted.select(1, 2); var y2 = sorted.select(1, 3);
        var areas = x2.Minus(x1).mul(y2.Minus(y1));
        // torchvision's CPU kernel compares the float IoU with the double threshold in double. For float32
        // boxes the same comparison is iou > t′ in float, t′ the largest float not above the threshold.
        bool asFloat = sorted.dtype == ScalarType.Float32;
        float below = (float)iouThreshold;
        if (below > iouThreshold)
            below = MathF.BitDecrement(below);
        using var threshold = asFloat ? below.ToScalar() : iouThreshold.ToScalar();

        var suppressed = new bool[n];
        var keep = new List<long>();
        var block = Array.Empty<bool>();
        var alive = new List<long>();
        for (long next = 0; next < n;)
        {
            // The boxes not yet suppressed from `next` on: the first BlockRows are this block's rows, all are its columns.
            alive.Clear();
            for (long j = next; j < n; j++)
                if (!suppressed[j])
                    alive.Add(j);
            if (alive.Count == 0)
                break;
            int cols = alive.Count;
            int rows = (int)Math.Min(Math.Min(BlockRows, cols), Math.Max(1, int.MaxValue / cols));
            using (var blockScope = torch.NewDisposeScope())
            {
                var colIndex = torch.tensor(alive.ToArray(), dtype: ScalarType.Int64, device: sorted.device);
                var c = sorted.index_select(0, colIndex);
                var r = c.narrow(0, 0, rows);
                var colAreas = areas.index_select(0, colIndex);
                var xx1 = torch.maximum(r.select(1, 0).unsqueeze(1), c.select(1, 0).unsqueeze(0));
                var yy1 = torch.maximum(r.select(1, 1).unsqueeze(1), c.select(1, 1).unsqueeze(0));
                var xx2 = torch.minimum(r.select(1, 2).unsqueeze(1), c.select(1, 2).unsqueeze(0));
                var yy2 = torch.minimum(r.select(1, 3).unsqueeze(1), c.select(1, 3).unsqueeze(0));
                var w = xx2.Minus(xx1).clamp_min(SafeScalars.Zero);
                var h = yy2.Minus(yy1).clamp_min(SafeScalars.Zero);
                var inter = w.mul(h);
                var union = colAreas.narrow(0, 0, rows).unsqueeze(1).Plus(colAreas.unsqueeze(0)).Minus(inter);
                var iou = inter.div(union);
                if (!asFloat)
                    iou = iou.to_type(ScalarType.Float64);
                var over = iou.gt(threshold).cpu().contiguous();
                if (block.Length < (long)rows * cols)
                    block = new bool[(long)rows * cols];
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, bool>(over.bytes).CopyTo(block.AsSpan(0, rows * cols));
            }
            for (int i = 0; i < rows; i++)
            {
                long gi = alive[i];
                if (suppressed[gi])
                    continue;
                keep.Add(gi);
                int rowBase = i * cols;
                for (int j = i + 1; j < cols; j++)
                    if (block[rowBase + j])
                        suppressed[alive[j]] = true;
            }
            next = alive[rows - 1] + 1;
        }
        var kept = torch.tensor(keep.ToArray(), dtype: ScalarType.Int64, device: boxes.device);
        return order.index_select(0, kept).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// NMS done independently per category <paramref name="idxs"/> [N] (boxes of different categories never
    /// suppress each other), as torchvision's <c>batched_nms</c>: above 4000 coordinates (1000 boxes) on the
    /// CPU, 20000 elsewhere, NMS runs per category and the kept boxes are sorted by score (its
    /// <c>_batched_nms_vanilla</c>); below, with its coordinate trick (every box shifted by
    /// idx·(max coordinate + 1)). The two agree but for the rounding of the shifted coordinates, so following
    /// torchvision's choice gives its boxes exactly. Returns int64 indices sorted by decreasing score.
    /// </summary>
    public static Tensor Batched(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold)
    {
        Check(boxes, scores);
        if (idxs.dim() != 1 || idxs.shape[0] != boxes.shape[0])
            throw new ArgumentException($"batched NMS needs one category index per box, got [{string.Join(", ", idxs.shape)}] for {boxes.shape[0]} boxes");
        using var scope = torch.NewDisposeScope();
        if (boxes.shape[0] == 0)
            return torch.empty(0, dtype: ScalarType.Int64, device: boxes.device).MoveToOuterDisposeScope();
        if (boxes.numel() > (boxes.device_type == DeviceType.CPU ? 4000 : 20000))
            return PerCategory(boxes, scores, idxs, iouThreshold).MoveToOuterDisposeScope();
        var b = boxes.detach();
        var maxCoordinate = b.max();
        var offsets = idxs.to_type(b.dtype).mul(maxCoordinate.Plus(torch.ones(1, dtype: b.dtype, device: b.device)));
        var shifted = b.Plus(offsets.unsqueeze(1));
        return Single(shifted, scores, iouThreshold).MoveToOuterDisposeScope();
    }

    /// <summary>torchvision's <c>_batched_nms_vanilla</c>: NMS per category, then the kept indices by decreasing score.</summary>
    private static Tensor PerCategory(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold)
    {
        var keepMask = torch.zeros(scores.shape, dtype: ScalarType.Bool, device: scores.device);
        var yes = torch.ones(1, dtype: ScalarType.Bool, device: scores.device);
        var categories = torch.unique(idxs.detach()).output.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
        foreach (var category in categories)
        {
            using var categoryScope = torch.NewDisposeScope();
            using var c = category.ToScalar();
            var current = idxs.eq(c).nonzero().view(-1);
            var kept = Single(boxes.index_select(0, current), scores.index_select(0, current), iouThreshold);
            keepMask.index_put_(yes, current.index_select(0, kept));
        }
        var keepIndices = keepMask.nonzero().view(-1);
        // torchvision sorts with PyTorch's default (not stable) sort: equal scores come out in its order, not by index
        var order = scores.detach().index_select(0, keepIndices).sort(0, descending: true, stable: false).Indices;
        return keepIndices.index_select(0, order);
    }

    private static void Check(Tensor boxes, Tensor scores)
    {
        if (boxes.dim() != 2 || boxes.shape[1] != 4)
            throw new ArgumentException($"NMS boxes must be [N, 4] (x1, y1, x2, y2), got [{string.Join(", ", boxes.shape)}]");
        if (scores.dim() != 1 || scores.shape[0] != boxes.shape[0])
            throw new ArgumentException($"NMS needs one score per box, got [{string.Join(", ", scores.shape)}] for {boxes.shape[0]} boxes");
    }
}
