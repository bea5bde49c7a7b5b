using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>torchvision 0.14's <c>ops.batched_nms</c> with both of its paths (see <see cref="Apply"/>).</summary>
internal static class TorchvisionBatchedNms
{
    /// <summary>
    /// torchvision 0.14's <c>batched_nms</c>: above 4000 coordinates on the CPU (20000 elsewhere) NMS runs class by
    /// class and the kept boxes are sorted by decreasing score (<c>_batched_nms_vanilla</c>); below, the coordinate
    /// trick (<see cref="Nms.Batched"/>). The two can differ in the last bits of the IoU, hence both.
    /// </summary>
    public static Tensor Apply(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold)
    {
        long limit = boxes.device.type == DeviceType.CPU ? 4000 : 20000;
        if (boxes.numel() <= limit)
            return Nms.Batched(boxes, scores, idxs, iouThreshold);
        using var scope = torch.NewDisposeScope();
        using var keepValue = true.ToScalar();
        var keepMask = torch.zeros(new[] { boxes.shape[0] }, dtype: ScalarType.Bool, device: boxes.device);
        var classes = idxs.to_type(ScalarType.Int64).cpu().data<long>().ToArray().Distinct().Order().ToArray();
        foreach (var c in classes)
        {
            using var classScope = torch.NewDisposeScope();
            using var cs = c.ToScalar();
            var current = idxs.eq(cs).nonzero().view(-1);
            var kept = Nms.Single(boxes.index_select(0, current), scores.index_select(0, current), iouThreshold);
            keepMask.index_fill_(0, current.index_select(0, kept), keepValue);
        }
        var keep = keepMask.nonzero().view(-1);
        var order = scores.index_select(0, keep).sort(0, descending: true, stable: true).Indices;
        return keep.index_select(0, order).MoveToOuterDisposeScope();
    }
}
