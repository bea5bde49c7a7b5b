namespace TextureBias.Detection;

/// <summary>
/// COCO read as torchvision's detection references read it (<c>references/detection/coco_utils.py</c>):
/// images sorted by id, labels = category ids (91 classes with <c>N/A</c> gaps), boxes [x, y, w, h] →
/// x1 = x, y1 = y, x2 = x + w, y2 = y + h, <c>iscrowd</c> → <see cref="DetectionObject.Difficult"/>.
/// </summary>
/// <remarks>
/// For training (<c>training: true</c>), as <c>get_coco(..., "train")</c>: images are removed when they have no
/// annotation or when every annotation's box has a width or height ≤ 1 (<c>_coco_remove_images_without_annotations</c>,
/// which counts crowd annotations too), and boxes are clamped to the image and dropped when empty
/// (<c>ConvertCocoPolysToMask</c>). Crowd objects stay in the samples, marked difficult, and the trainer leaves them out
/// (torchvision's <c>ConvertCocoPolysToMask</c> drops them). For evaluation every image is kept with its boxes as written.
/// </remarks>
public static class CocoDataset
{
    /// <summary>The dataset of <paramref name="annotations"/> with images in <paramref name="imagesDir"/>.</summary>
    /// <exception cref="TextureBiasException">The images folder is missing.</exception>
    public static DetectionDataset Load(string imagesDir, CocoAnnotations annotations, bool training, string? name = null)
    {
        if (!Directory.Exists(imagesDir))
            throw new TextureBiasException($"{imagesDir}: no such images folder");
        var byImage = new Dictionary<long, List<CocoAnnotation>>();
        foreach (var a in annotations.Annotations)
        {
            if (!byImage.TryGetValue(a.ImageId, out var list)) byImage[a.ImageId] = list = [];
            list.Add(a);
        }
        var samples = new List<DetectionSample>(annotations.Images.Count);
        foreach (var image in annotations.Images.OrderBy(i => i.Id))
        {
            var anns = byImage.TryGetValue(image.Id, out var l) ? l : [];
            if (training && !HasValidAnnotation(anns)) continue;
            var objects = new List<DetectionObject>(anns.Count);
            foreach (var a in anns)
            {
                double x1 = a.X, y1 = a.Y, x2 = a.X + a.W, y2 = a.Y + a.H;
                if (training)
                {
                    x1 = Math.Clamp(x1, 0, image.Width);
                    x2 = Math.Clamp(x2, 0, image.Width);
                    y1 = Math.Clamp(y1, 0, image.Height);
                    y2 = Math.Clamp(y2, 0, image.Height);
                    if (!(x2 > x1 && y2 > y1)) continue;
                }
                objects.Add(new DetectionObject(a.CategoryId, (float)x1, (float)y1, (float)x2, (float)y2, a.IsCrowd));
            }
            samples.Add(new DetectionSample(image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Path.Combine(imagesDir, image.FileName), image.Width, image.Height, objects));
        }
        return new DetectionDataset(name ?? $"COCO {Path.GetFileName(Path.TrimEndingDirectorySeparator(imagesDir))}", annotations.ClassNames, samples);
    }

    /// <summary>Reads the instances file and the dataset (<see cref="CocoAnnotations.Load"/> then <see cref="Load(string, CocoAnnotations, bool, string?)"/>).</summary>
    public static DetectionDataset Load(string imagesDir, string annotationsPath, bool training) =>
        Load(imagesDir, CocoAnnotations.Load(annotationsPath), training);

    /// <summary>torchvision's <c>_has_valid_annotation</c> (boxes only): some annotation with a box wider and taller than 1 pixel.</summary>
    static bool HasValidAnnotation(List<CocoAnnotation> anns) =>
        anns.Count > 0 && !anns.All(a => a.W <= 1 || a.H <= 1);
}
