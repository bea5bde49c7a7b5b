using SkiaSharp;
using TextureBias.Detection;
using TextureBias.Imaging;

namespace TextureBias.Reports;

/// <summary>
/// A figure of detections: one row per image, one column per source (e.g. the ground truth, then each detector), every
/// tile the image enlarged with its boxes drawn by <see cref="DetectionPicture"/> (the drawing of <c>detect --out</c>).
/// </summary>
public static class DetectionSheet
{
    private const int Gap = 8, Margin = 14, HeaderHeight = 22;

    /// <summary>Renders the sheet. Boxes are in the images' pixels; every image is enlarged <paramref name="scale"/> times (nearest neighbour) before drawing.</summary>
    /// <param name="images">The images, one per row.</param>
    /// <param name="columns">Each column's title and, per image, its boxes.</param>
    /// <param name="scale">Enlargement of the images.</param>
    public static SKBitmap Render(IReadOnlyList<RgbImage> images, IReadOnlyList<(string Title, IReadOnlyList<IReadOnlyList<DetectedBox>> Boxes)> columns, int scale = 2)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale));
        int tileW = images.Count == 0 ? 64 : images.Max(i => i.Width) * scale, tileH = images.Count == 0 ? 64 : images.Max(i => i.Height) * scale;
        int width = 2 * Margin + Math.Max(1, columns.Count) * (tileW + Gap) - Gap, height = 2 * Margin + HeaderHeight + Math.Max(1, images.Count) * (tileH + Gap) - Gap;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var title = Fonts.Font(13);
        using var ink = Bitmaps.Ink();
        for (int c = 0; c < columns.Count; c++)
            canvas.DrawText(columns[c].Title, Margin + c * (tileW + Gap) + tileW / 2f, Margin + 14, SKTextAlign.Center, title, ink);
        for (int r = 0; r < images.Count; r++)
        {
            var large = Enlarge(images[r], scale);
            for (int c = 0; c < columns.Count; c++)
            {
                var boxes = (r < columns[c].Boxes.Count ? columns[c].Boxes[r] : Array.Empty<DetectedBox>())
                    .Select(b => b with { X1 = b.X1 * scale, Y1 = b.Y1 * scale, X2 = b.X2 * scale, Y2 = b.Y2 * scale }).ToList();
                using var tile = DetectionPicture.Draw(large, boxes);
                canvas.DrawBitmap(tile, Margin + c * (tileW + Gap), Margin + HeaderHeight + r * (tileH + Gap));
            }
        }
        return bitmap;
    }

    /// <summary>Renders the sheet and writes it as a PNG, atomically.</summary>
    public static void Save(string path, IReadOnlyList<RgbImage> images, IReadOnlyList<(string Title, IReadOnlyList<IReadOnlyList<DetectedBox>> Boxes)> columns, int scale = 2)
    {
        using var bitmap = Render(images, columns, scale);
        Bitmaps.SavePng(path, bitmap);
    }

    private static RgbImage Enlarge(RgbImage image, int scale)
    {
        if (scale == 1) return image;
        int w = image.Width * scale, h = image.Height * scale;
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                Array.Copy(image.Pixels, ((y / scale) * image.Width + x / scale) * 3, px, (y * w + x) * 3, 3);
        return new RgbImage(w, h, px);
    }
}
