using SkiaSharp;
using TextureBias.Detection;
using TextureBias.Imaging;

namespace TextureBias.Reports;

/// <summary>
/// A figure of detections: one row per image, one column per source (ground truth, then each detector), every tile
/// the image enlarged with its boxes, class names and scores.
/// </summary>
public static class DetectionSheet
{
    private const int Gap = 8, Margin = 14, HeaderHeight = 22;

    private static readonly SKColor[] Palette =
    {
        new(0xe4, 0x1a, 0x1c), new(0x37, 0x7e, 0xb8), new(0x4d, 0xaf, 0x4a), new(0x98, 0x4e, 0xa3),
        new(0xff, 0x7f, 0x00), new(0xa6, 0x56, 0x28), new(0xf7, 0x81, 0xbf), new(0x11, 0x11, 0x11),
    };

    /// <summary>
    /// Renders the sheet. Boxes are in the images' pixels (0-based continuous edges, as <see cref="Detections"/>);
    /// a row with a NaN score is drawn without one (ground truth).
    /// </summary>
    /// <param name="images">The images, one per row.</param>
    /// <param name="columns">Each column's title and, per image, its boxes.</param>
    /// <param name="classNames">The class names (their order sets the colours).</param>
    /// <param name="scale">Enlargement of the images.</param>
    public static SKBitmap Render(IReadOnlyList<RgbImage> images, IReadOnlyList<(string Title, IReadOnlyList<IReadOnlyList<DetectionRow>> Boxes)> columns,
        IReadOnlyList<string> classNames, int scale = 2)
    {
        int tileW = images.Count == 0 ? 64 : images.Max(i => i.Width) * scale, tileH = images.Count == 0 ? 64 : images.Max(i => i.Height) * scale;
        int width = 2 * Margin + columns.Count * (tileW + Gap) - Gap, height = 2 * Margin + HeaderHeight + images.Count * (tileH + Gap) - Gap;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var title = Fonts.Font(13);
        using var small = Fonts.Font(11);
        using var ink = Bitmaps.Ink();
        for (int c = 0; c < columns.Count; c++)
            canvas.DrawText(columns[c].Title, Margin + c * (tileW + Gap) + tileW / 2f, Margin + 14, SKTextAlign.Center, title, ink);
        for (int r = 0; r < images.Count; r++)
        {
            using var tile = Bitmaps.From(images[r]);
            using var image = SKImage.FromBitmap(tile);
            float y0 = Margin + HeaderHeight + r * (tileH + Gap);
            for (int c = 0; c < columns.Count; c++)
            {
                float x0 = Margin + c * (tileW + Gap);
                canvas.DrawImage(image, SKRect.Create(x0, y0, images[r].Width * scale, images[r].Height * scale), new SKSamplingOptions(SKFilterMode.Nearest));
                var boxes = r < columns[c].Boxes.Count ? columns[c].Boxes[r] : Array.Empty<DetectionRow>();
                foreach (var b in boxes)
                {
                    int k = Math.Max(0, IndexOf(classNames, b.ClassName));
                    var colour = Palette[k % Palette.Length];
                    using var stroke = new SKPaint { Color = colour, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
                    var rect = new SKRect(x0 + (float)b.X1 * scale, y0 + (float)b.Y1 * scale, x0 + (float)b.X2 * scale, y0 + (float)b.Y2 * scale);
                    canvas.Save();
                    canvas.ClipRect(SKRect.Create(x0, y0, tileW, tileH));
                    canvas.DrawRect(rect, stroke);
                    string text = double.IsNaN(b.Score) ? b.ClassName : $"{b.ClassName} {b.Score:0.00}";
                    float textWidth = small.MeasureText(text);
                    float ty = Math.Max(y0 + 12, rect.Top - 1);
                    using var fill = new SKPaint { Color = colour.WithAlpha(210), Style = SKPaintStyle.Fill };
                    canvas.DrawRect(new SKRect(rect.Left, ty - 11, rect.Left + textWidth + 4, ty + 1), fill);
                    using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
                    canvas.DrawText(text, rect.Left + 2, ty - 1, SKTextAlign.Left, small, white);
                    canvas.Restore();
                }
            }
        }
        return bitmap;
    }

    /// <summary>Renders the sheet and writes it as a PNG, atomically.</summary>
    public static void Save(string path, IReadOnlyList<RgbImage> images, IReadOnlyList<(string Title, IReadOnlyList<IReadOnlyList<DetectionRow>> Boxes)> columns,
        IReadOnlyList<string> classNames, int scale = 2)
    {
        using var bitmap = Render(images, columns, classNames, scale);
        Bitmaps.SavePng(path, bitmap);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        return -1;
    }
}
