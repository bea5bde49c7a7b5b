using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's <c>GeneralizedRCNNTransform</c> (models/detection/transform.py) for one min_size: normalises
/// with the options' mean and std, resizes each image bilinearly so that its short side is MinSize unless its long
/// side would exceed MaxSize (scale computed in float32, size floored as <c>interpolate(recompute_scale_factor=True)</c>
/// does), scales targets' boxes by the ratios of new to old sizes, and batches the images, zero-padded at the
/// bottom and right to a multiple of SizeDivisible. <see cref="Postprocess"/> maps boxes back to the original sizes.
/// Holds no parameters.
/// </summary>
internal sealed class GeneralizedRcnnTransform
{
    private readonly FasterRcnnOptions options;

    public GeneralizedRcnnTransform(FasterRcnnOptions options)
    {
        if (options.MinSize < 1 || options.MaxSize < 1) throw new TextureBiasException($"image sizes must be positive (min {options.MinSize}, max {options.MaxSize})");
        if (options.SizeDivisible < 1) throw new TextureBiasException($"the size divisor must be positive, not {options.SizeDivisible}");
        if (options.ImageMean.Count != 3 || options.ImageStd.Count != 3) throw new TextureBiasException("the image mean and std need 3 values each (RGB)");
        this.options = options;
    }

    /// <summary>The size an image of <paramref name="height"/>×<paramref name="width"/> is resized to, as torchvision computes it.</summary>
    public (int Height, int Width) ResizedSize(int height, int width)
    {
        // torch: scale = min(min_size / min(h,w), max_size / max(h,w)) in float32 tensors, .item() to a double,
        // then interpolate's output size floor(float(size) * scale) in doubles.
        // torch computes the python float divided by a float32 tensor as reciprocal() * float, both rounded to float32
        // (800 / 375 is 2.1333332 there, not the correctly rounded 2.1333334: 375 becomes 799, not 800).
        static float Scale(int size, int side) => Float32(Float32(1.0 / side) * (double)size);
        float scale = Math.Min(Scale(options.MinSize, Math.Min(height, width)), Scale(options.MaxSize, Math.Max(height, width)));
        return ((int)Math.Floor(height * (double)scale), (int)Math.Floor(width * (double)scale));
    }

    /// <summary>Normalises, resizes and batches <paramref name="images"/> ([3,H,W] float); resizes the targets' boxes alike.</summary>
    public (ImageList Images, IReadOnlyList<DetectionTarget>? Targets) Apply(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget>? targets = null)
    {
        if (images.Count == 0) throw new TextureBiasException("no images given");
        if (targets is not null && targets.Count != images.Count)
            throw new TextureBiasException($"{images.Count} images but {targets.Count} targets");
        using var scope = NewDisposeScope();
        var resized = new List<Tensor>();
        var sizes = new List<(int, int)>();
        var newTargets = targets is null ? null : new List<DetectionTarget>();
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.dim() != 3 || image.shape[0] != 3)
                throw new TextureBiasException($"images must be [3,H,W] tensors, image {i} is [{string.Join(",", image.shape)}]");
            if (!image.is_floating_point())
                throw new TextureBiasException($"images must be floating point in [0,1], image {i} is {image.dtype}");
            int h = (int)image.shape[1], w = (int)image.shape[2];
            var normalized = Normalize(image);
            var (nh, nw) = ResizedSize(h, w);
            var r = nn.functional.interpolate(normalized.unsqueeze(0), size: new long[] { nh, nw }, mode: InterpolationMode.Bilinear, align_corners: false)[0];
            resized.Add(r);
            sizes.Add((nh, nw));
            if (targets is not null)
            {
                var t = targets[i];
                if (t.Boxes.dim() != 2 || t.Boxes.shape[1] != 4)
                    throw new TextureBiasException($"target boxes must be [n,4], those of image {i} are [{string.Join(",", t.Boxes.shape)}]");
                newTargets!.Add(new DetectionTarget(ResizeBoxes(t.Boxes, (h, w), (nh, nw)).MoveToOuterDisposeScope(), t.Labels));
            }
        }
        var batch = Batch(resized).MoveToOuterDisposeScope();
        return (new ImageList(batch, sizes), newTargets);
    }

    private Tensor Normalize(Tensor image)
    {
        var mean = tensor(options.ImageMean.ToArray(), dtype: image.dtype, device: image.device).view(-1, 1, 1);
        var std = tensor(options.ImageStd.ToArray(), dtype: image.dtype, device: image.device).view(-1, 1, 1);
        return (image - mean) / std;
    }

    /// <summary>torchvision's batch_images: zero-padded to the largest size, rounded up to a multiple of SizeDivisible.</summary>
    private Tensor Batch(IReadOnlyList<Tensor> images)
    {
        long stride = options.SizeDivisible;
        long maxH = images.Max(t => t.shape[1]), maxW = images.Max(t => t.shape[2]);
        maxH = (long)Math.Ceiling(maxH / (double)stride) * stride;
        maxW = (long)Math.Ceiling(maxW / (double)stride) * stride;
        var batch = zeros(new long[] { images.Count, images[0].shape[0], maxH, maxW }, dtype: images[0].dtype, device: images[0].device);
        for (int i = 0; i < images.Count; i++)
        {
            var img = images[i];
            batch[i].narrow(1, 0, img.shape[1]).narrow(2, 0, img.shape[2]).copy_(img);
        }
        return batch;
    }

    /// <summary>torchvision's resize_boxes: x scaled by new/old width, y by new/old height (ratios in float32).</summary>
    public static Tensor ResizeBoxes(Tensor boxes, (int Height, int Width) original, (int Height, int Width) resized)
    {
        using var scope = NewDisposeScope();
        float ratioH = Float32((double)resized.Height / original.Height), ratioW = Float32((double)resized.Width / original.Width);
        var ratios = tensor(new[] { ratioW, ratioH, ratioW, ratioH }, dtype: boxes.dtype, device: boxes.device);
        return (boxes * ratios).MoveToOuterDisposeScope();
    }

    /// <summary>Rounds to float32 through memory, so that no wider intermediate precision survives.</summary>
    private static float Float32(double value) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits((float)value));

    /// <summary>torchvision's postprocess: detections' boxes from the resized images back to the originals.</summary>
    public static IReadOnlyList<Detections> Postprocess(IReadOnlyList<Detections> results, IReadOnlyList<(int Height, int Width)> imageSizes,
        IReadOnlyList<(int Height, int Width)> originalSizes) =>
        results.Select((d, i) => d with { Boxes = ResizeBoxes(d.Boxes, imageSizes[i], originalSizes[i]) }).ToList();
}
