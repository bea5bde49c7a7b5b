using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;

namespace TextureBias.Reports;

/// <summary>A contact sheet of image sets in the ImageFolder layout: one row per set, one column per class (its first image).</summary>
public static class WorldSheet
{
    private const int Tile = 112, Gap = 6, Margin = 16, LabelWidth = 110, HeaderHeight = 22;

    /// <summary>Renders the sheet; <paramref name="sets"/> are (row label, folder under <paramref name="root"/>).</summary>
    public static SKBitmap Render(string root, IReadOnlyList<string> classes, IReadOnlyList<(string Label, string Folder)> sets)
    {
        int width = Margin + LabelWidth + classes.Count * (Tile + Gap) + Margin;
        int height = Margin + HeaderHeight + sets.Count * (Tile + Gap) + Margin;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var font = Fonts.Font(13);
        using var ink = Bitmaps.Ink();
        for (int c = 0; c < classes.Count; c++)
            canvas.DrawText(classes[c], Margin + LabelWidth + c * (Tile + Gap) + Tile / 2f, Margin + 14, SKTextAlign.Center, font, ink);
        for (int r = 0; r < sets.Count; r++)
        {
            float y = Margin + HeaderHeight + r * (Tile + Gap);
            canvas.DrawText(sets[r].Label, Margin, y + Tile / 2f + 4, SKTextAlign.Left, font, ink);
            for (int c = 0; c < classes.Count; c++)
            {
                string dir = Path.Combine(root, sets[r].Folder, classes[c]);
                var file = Directory.Exists(dir) ? ImageFiles.Find(new[] { dir }).FirstOrDefault() : null;
                if (file is null) continue;
                RgbImage image;
                try { image = ImageDecoder.Decode(file); }
                catch (ImageDecodeException) { continue; }
                using var tile = Bitmaps.From(image);
                using var skImage = SKImage.FromBitmap(tile);
                canvas.DrawImage(skImage, SKRect.Create(Margin + LabelWidth + c * (Tile + Gap), y, Tile, Tile), new SKSamplingOptions(SKFilterMode.Nearest));
            }
        }
        return bitmap;
    }

    /// <summary>Renders the sheet and writes it as a PNG, atomically.</summary>
    public static void Save(string path, string root, IReadOnlyList<string> classes, IReadOnlyList<(string Label, string Folder)> sets)
    {
        using var bitmap = Render(root, classes, sets);
        Bitmaps.SavePng(path, bitmap);
    }
}
