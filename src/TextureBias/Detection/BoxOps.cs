using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>torchvision 0.14's box operations (<c>ops/boxes.py</c>) on x1,y1,x2,y2 boxes: <c>box_iou</c>, <c>clip_boxes_to_image</c>, <c>remove_small_boxes</c>.</summary>
internal static class BoxOps
{
    /// <summary>Areas [N] of boxes [N, 4]: (x2 − x1)·(y2 − y1), as <c>box_area</c>.</summary>
    public static Tensor Area(Tensor boxes)
    {
        using var scope = torch.NewDisposeScope();
        return boxes.select(1, 2).Minus(boxes.select(1, 0)).mul(boxes.select(1, 3).Minus(boxes.select(1, 1))).MoveToOuterDisposeScope();
    }

    /// <summary>The IoU matrix [N, M] of <paramref name="boxes1"/> [N, 4] and <paramref name="boxes2"/> [M, 4], as <c>box_iou</c>.</summary>
    public static Tensor Iou(Tensor boxes1, Tensor boxes2)
    {
        using var scope = torch.NewDisposeScope();
        var area1 = Area(boxes1);
        var area2 = Area(boxes2);
        var lt = torch.maximum(boxes1.narrow(1, 0, 2).unsqueeze(1), boxes2.narrow(1, 0, 2).unsqueeze(0));
        var rb = torch.minimum(boxes1.narrow(1, 2, 2).unsqueeze(1), boxes2.narrow(1, 2, 2).unsqueeze(0));
        var wh = rb.Minus(lt).clamp_min(SafeScalars.Zero);
        var inter = wh.select(2, 0).mul(wh.select(2, 1));
        var union = area1.unsqueeze(1).Plus(area2.unsqueeze(0)).Minus(inter);
        return inter.div(union).MoveToOuterDisposeScope();
    }

    /// <summary>Boxes [..., 4] clamped into an image of <paramref name="height"/> × <paramref name="width"/>, as <c>clip_boxes_to_image</c>.</summary>
    public static Tensor ClipToImage(Tensor boxes, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        using var zero = 0.ToScalar();
        using var w = width.ToScalar();
        using var h = height.ToScalar();
        int last = (int)boxes.dim() - 1;
        var x1 = boxes.select(last, 0).clamp(zero, w);
        var y1 = boxes.select(last, 1).clamp(zero, h);
        var x2 = boxes.select(last, 2).clamp(zero, w);
        var y2 = boxes.select(last, 3).clamp(zero, h);
        return torch.stack(new[] { x1, y1, x2, y2 }, last).MoveToOuterDisposeScope();
    }

    /// <summary>Indices (int64) of the boxes [N, 4] whose width and height are both at least <paramref name="minSize"/>, as <c>remove_small_boxes</c>.</summary>
    public static Tensor RemoveSmall(Tensor boxes, double minSize)
    {
        using var scope = torch.NewDisposeScope();
        using var min = minSize.ToScalar();
        var ws = boxes.select(1, 2).Minus(boxes.select(1, 0));
        var hs = boxes.select(1, 3).Minus(boxes.select(1, 1));
        var keep = ws.ge(min).logical_and(hs.ge(min));
        return keep.nonzero().view(-1).MoveToOuterDisposeScope();
    }
}
