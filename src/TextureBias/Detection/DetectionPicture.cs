using SkiaSharp;
using TextureBias.Imaging;
using TextureBias.Reports;

namespace TextureBias.Detection;

/// <summary>Draws detected boxes, with their class names and scores, on the image (<c>detect --out</c>).</summary>
public static class DetectionPicture
{
    static readonly SKColor[] Palette =
    [
        new(0xE6, 0x19, 0x4B), new(0x3C, 0xB4, 0x4B), new(0x43, 0x63, 0xD8), new(0xF5, 0x82, 0x31), new(0x91, 0x1E, 0xB4),
        new(0x42, 0xD4, 0xF4), new(0xF0, 0x32, 0xE6), new(0xBF, 0xEF, 0x45), new(0x46, 0x99, 0x90), new(0x9A, 0x63, 0x24),
    ];

    /// <summary>Writes <paramref name="image"/> with <paramref name="boxes"/> drawn on it as a PNG at <paramref name="path"/>, atomically.</summary>
    public static void Save(RgbImage image, IReadOnlyList<DetectedBox> boxes, string path)
    {
        using var bitmap = Draw(image, boxes);
        Bitmaps.SavePng(path, bitmap);
    }

    /// <summary>The image with the boxes drawn: a coloured frame per box (colour by class) and "name 0.87" above it.</summary>
    public static SKBitmap Draw(RgbImage image, IReadOnlyList<DetectedBox> boxes)
    {
        var bitmap = Bitmaps.From(image);
        using var canvas = new SKCanvas(bitmap);
        float scale = Math.Max(1f, Math.Min(image.Width, image.Height) / 400f);
        using var font = Fonts.Font(11 * scale);
        // lowest score first, so that the best boxes are on top
        foreach (var b in boxes.OrderBy(b => b.Score))
        {
            var colour = Palette[(int)(Math.Abs(b.Label) % Palette.Length)];
            using var frame = new SKPaint { Color = colour, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2 * scale };
            canvas.DrawRect(SKRect.Create(b.X1, b.Y1, b.X2 - b.X1, b.Y2 - b.Y1), frame);
            string text = $"{b.Name} {b.Score.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}";
            float width = font.MeasureText(text);
            float height = font.Size * 1.25f;
            float top = b.Y1 - height >= 0 ? b.Y1 - height : b.Y1;
            using var fill = new SKPaint { Color = colour, Style = SKPaintStyle.Fill };
            canvas.DrawRect(SKRect.Create(b.X1, top, width + 4 * scale, height), fill);
            using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
            canvas.DrawText(text, b.X1 + 2 * scale, top + font.Size, SKTextAlign.Left, font, ink);
        }
        canvas.Flush();
        return bitmap;
    }
}
