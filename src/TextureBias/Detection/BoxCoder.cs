using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// Encodes boxes relative to reference boxes (proposals or anchors) as regression targets and decodes
/// them back, exactly as torchvision 0.14's <c>models.detection._utils.BoxCoder</c>: deltas
/// (dx, dy, dw, dh) = (wx·(x−x<sub>a</sub>)/w<sub>a</sub>, wy·(y−y<sub>a</sub>)/h<sub>a</sub>,
/// ww·log(w/w<sub>a</sub>), wh·log(h/h<sub>a</sub>)) of the box centres and sizes (width = x2 − x1, no +1),
/// with dw and dh clamped to <see cref="BoxXformClip"/> before the exponential when decoding.
/// </summary>
public sealed class BoxCoder
{
    /// <summary>torchvision's default clamp of dw and dh when decoding, log(1000/16).</summary>
    public static readonly double DefaultBoxXformClip = Math.Log(1000.0 / 16);

    /// <summary>Creates a coder with the weights (wx, wy, ww, wh), e.g. (1,1,1,1) for the RPN and (10,10,5,5) for the box head.</summary>
    public BoxCoder(double wx, double wy, double ww, double wh, double? boxXformClip = null)
    {
        foreach (var w in new[] { wx, wy, ww, wh })
            if (!(w > 0) || double.IsInfinity(w))
                throw new ArgumentOutOfRangeException(nameof(wx), $"box coder weights must be positive and finite, got ({wx}, {wy}, {ww}, {wh})");
        (Wx, Wy, Ww, Wh) = (wx, wy, ww, wh);
        BoxXformClip = boxXformClip ?? DefaultBoxXformClip;
    }

    /// <summary>Weight of the x-centre delta.</summary>
    public double Wx { get; }

    /// <summary>Weight of the y-centre delta.</summary>
    public double Wy { get; }

    /// <summary>Weight of the log-width delta.</summary>
    public double Ww { get; }

    /// <summary>Weight of the log-height delta.</summary>
    public double Wh { get; }

    /// <summary>Upper bound of dw and dh (after division by the weights) when decoding.</summary>
    public double BoxXformClip { get; }

    /// <summary>
    /// The regression targets [N, 4] of <paramref name="referenceBoxes"/> (the ground-truth boxes matched
    /// to each proposal, [N, 4] x1,y1,x2,y2) relative to <paramref name="proposals"/> ([N, 4]), as
    /// torchvision's <c>encode_single</c>/<c>encode_boxes</c>.
    /// </summary>
    public Tensor Encode(Tensor referenceBoxes, Tensor proposals)
    {
        CheckBoxes(referenceBoxes, nameof(referenceBoxes));
        CheckBoxes(proposals, nameof(proposals));
        if (referenceBoxes.shape[0] != proposals.shape[0])
            throw new ArgumentException($"encode needs as many reference boxes as proposals, got {referenceBoxes.shape[0]} and {proposals.shape[0]}");
        using var scope = torch.NewDisposeScope();
        var gt = referenceBoxes.to_type(proposals.dtype);
        var (px1, py1, px2, py2) = Columns(proposals);
        var (gx1, gy1, gx2, gy2) = Columns(gt);

        var exWidths = px2.Minus(px1);
        var exHeights = py2.Minus(py1);
        var exCtrX = px1.Plus(exWidths.Times(0.5));
        var exCtrY = py1.Plus(exHeights.Times(0.5));

        var gtWidths = gx2.Minus(gx1);
        var gtHeights = gy2.Minus(gy1);
        var gtCtrX = gx1.Plus(gtWidths.Times(0.5));
        var gtCtrY = gy1.Plus(gtHeights.Times(0.5));

        var dx = gtCtrX.Minus(exCtrX).Times(Wx).div(exWidths);
        var dy = gtCtrY.Minus(exCtrY).Times(Wy).div(exHeights);
        var dw = gtWidths.div(exWidths).log().Times(Ww);
        var dh = gtHeights.div(exHeights).log().Times(Wh);
        return torch.cat(new[] { dx, dy, dw, dh }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Decodes deltas [N, 4·K] (K boxes per reference box, e.g. one per class) relative to
    /// <paramref name="boxes"/> [N, 4] into boxes [N, 4·K] (x1,y1,x2,y2 per group of four), as
    /// torchvision's <c>decode_single</c>. The reference boxes are converted to the deltas' dtype.
    /// </summary>
    public Tensor DecodeSingle(Tensor relCodes, Tensor boxes)
    {
        CheckBoxes(boxes, nameof(boxes));
        if (relCodes.dim() != 2 || relCodes.shape[1] % 4 != 0 || relCodes.shape[0] != boxes.shape[0])
            throw new ArgumentException($"deltas must be [N, 4·K] with N = {boxes.shape[0]} reference boxes, got [{string.Join(", ", relCodes.shape)}]");
        using var scope = torch.NewDisposeScope();
        var b = boxes.to_type(relCodes.dtype);
        var (x1, y1, x2, y2) = Columns(b);
        var widths = x2.Minus(x1);
        var heights = y2.Minus(y1);
        var ctrX = x1.Plus(widths.Times(0.5));
        var ctrY = y1.Plus(heights.Times(0.5));

        var n = relCodes.shape[0];
        var k = relCodes.shape[1] / 4;
        var codes = relCodes.reshape(n, k, 4);
        var dx = codes.select(2, 0).div(AsScalarTensor(Wx, relCodes));
        var dy = codes.select(2, 1).div(AsScalarTensor(Wy, relCodes));
        var dw = codes.select(2, 2).div(AsScalarTensor(Ww, relCodes));
        var dh = codes.select(2, 3).div(AsScalarTensor(Wh, relCodes));
        using (var clip = BoxXformClip.ToScalar())
        {
            dw = dw.clamp_max(clip);
            dh = dh.clamp_max(clip);
        }

        var predCtrX = dx.mul(widths).Plus(ctrX);
        var predCtrY = dy.mul(heights).Plus(ctrY);
        var predW = dw.exp().mul(widths);
        var predH = dh.exp().mul(heights);
        var halfH = predH.Times(0.5);
        var halfW = predW.Times(0.5);
        return torch.stack(new[] { predCtrX.Minus(halfW), predCtrY.Minus(halfH), predCtrX.Plus(halfW), predCtrY.Plus(halfH) }, 2)
            .flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Decodes deltas [ΣN<sub>i</sub>, 4·K] for the reference boxes of several images (concatenated in
    /// order) into boxes [ΣN<sub>i</sub>, K, 4], as torchvision's <c>decode</c>.
    /// </summary>
    public Tensor Decode(Tensor relCodes, IReadOnlyList<Tensor> boxes)
    {
        if (boxes.Count == 0)
            throw new ArgumentException("decode needs at least one tensor of reference boxes");
        using var scope = torch.NewDisposeScope();
        var concat = boxes.Count == 1 ? boxes[0] : torch.cat(boxes.ToArray(), 0);
        long total = concat.shape[0];
        var codes = total > 0 ? relCodes.reshape(total, -1) : relCodes;
        var pred = DecodeSingle(codes, concat);
        if (total > 0)
            pred = pred.reshape(total, -1, 4);
        return pred.MoveToOuterDisposeScope();
    }

    private static Tensor AsScalarTensor(double value, Tensor like) => torch.tensor(value, dtype: like.dtype, device: like.device);

    private static (Tensor, Tensor, Tensor, Tensor) Columns(Tensor boxes) =>
        (boxes.select(1, 0).unsqueeze(1), boxes.select(1, 1).unsqueeze(1), boxes.select(1, 2).unsqueeze(1), boxes.select(1, 3).unsqueeze(1));

    private static void CheckBoxes(Tensor boxes, string name)
    {
        if (boxes.dim() != 2 || boxes.shape[1] != 4)
            throw new ArgumentException($"{name} must be [N, 4] (x1, y1, x2, y2), got [{string.Join(", ", boxes.shape)}]");
    }
}
