using TextureBias.Imaging;

namespace TextureBias.Detection.Training;

/// <summary>
/// One training image made ready on a decoding thread: torchvision's <c>ToTensor</c> values (float32 in [0,1], CHW),
/// optionally flipped left-right with its boxes (<c>RandomHorizontalFlip</c>: x1' = W − x2, x2' = W − x1), and its
/// target: the objects that are not difficult (COCO: not crowds), clamped to the image, those with no area dropped.
/// <see cref="Error"/> is set instead when the image cannot be used.
/// </summary>
internal sealed record TrainingImage(DetectionSample Sample, float[]? Chw, int Height, int Width, float[] Boxes, long[] Labels, string? Error)
{
    /// <summary>Decodes and prepares <paramref name="sample"/>; never throws for a bad file (the reason is in <see cref="Error"/>).</summary>
    public static TrainingImage Prepare(DetectionSample sample, bool flip)
    {
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(sample.ImagePath);
        }
        catch (ImageDecodeException e)
        {
            return Failed(sample, e.Reason);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failed(sample, $"cannot be decoded ({e.GetType().Name}: {e.Message})");
        }
        int w = image.Width, h = image.Height;
        var (boxes, labels) = Target(sample.Objects, w, h);
        if (labels.Length == 0) return Failed(sample, $"no usable box inside the {w}x{h} image");
        if (flip)
            for (int i = 0; i < labels.Length; i++)
                (boxes[4 * i], boxes[4 * i + 2]) = (w - boxes[4 * i + 2], w - boxes[4 * i]);
        int plane = w * h;
        var chw = new float[3 * plane];
        var px = image.Pixels;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int from = (y * w + (flip ? w - 1 - x : x)) * 3, to = y * w + x;
            chw[to] = px[from] / 255f;
            chw[plane + to] = px[from + 1] / 255f;
            chw[2 * plane + to] = px[from + 2] / 255f;
        }
        return new TrainingImage(sample, chw, h, w, boxes, labels, null);
    }

    /// <summary>The objects that train: not difficult, clamped to [0,W]×[0,H], with positive width and height (as torchvision's COCO reference keeps them).</summary>
    public static (float[] Boxes, long[] Labels) Target(IReadOnlyList<DetectionObject> objects, int width, int height)
    {
        var boxes = new List<float>();
        var labels = new List<long>();
        foreach (var o in objects)
        {
            if (o.Difficult) continue;
            float x1 = Math.Clamp(o.X1, 0, width), y1 = Math.Clamp(o.Y1, 0, height), x2 = Math.Clamp(o.X2, 0, width), y2 = Math.Clamp(o.Y2, 0, height);
            if (!(x2 > x1 && y2 > y1)) continue;
            boxes.AddRange(new[] { x1, y1, x2, y2 });
            labels.Add(o.Label);
        }
        return (boxes.ToArray(), labels.ToArray());
    }

    private static TrainingImage Failed(DetectionSample sample, string reason) => new(sample, null, 0, 0, Array.Empty<float>(), Array.Empty<long>(), reason);
}
