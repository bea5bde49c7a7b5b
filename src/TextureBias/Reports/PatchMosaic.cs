using System.Globalization;
using System.Text;
using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Interpretation;

namespace TextureBias.Reports;

/// <summary>
/// The paper's figure of informative patches: per class, a row of the best patches from images
/// of that class and a row of the best patches from all images, each with its logit; and the
/// same as CSV.
/// </summary>
public static class PatchMosaic
{
    private const int Tile = 96;
    private const int Gap = 8;
    private const int LabelWidth = 140;
    private const int Margin = 16;

    /// <summary>
    /// Renders the mosaic; patches are cut from the images again (preprocessed as in the search).
    /// Classes are titled with their ImageNet names, or with <paramref name="classNames"/> when given.
    /// </summary>
    public static SKBitmap Render(InformativePatchesResult result, Preprocessing preprocessing, int numClasses, int top, IReadOnlyList<string>? classNames = null)
    {
        var classes = result.FromAllImages.Keys.ToList();
        int width = Margin + LabelWidth + top * (Tile + Gap) + Margin;
        int rowHeight = Tile + 20;
        int classHeight = 26 + 2 * rowHeight + 10;
        int height = Margin + classes.Count * classHeight + Margin;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var titleFont = Fonts.Font(15);
        using var labelFont = Fonts.Font(12);
        using var ink = Bitmaps.Ink();
        using var grey = new SKPaint { Color = new SKColor(0x80, 0x80, 0x80), IsAntialias = true };
        var cache = new Dictionary<string, RgbImage?>();
        RgbImage? Load(string path)
        {
            if (!cache.TryGetValue(path, out var image))
            {
                try { image = preprocessing.Geometry(ImageDecoder.Decode(path)); }
                catch (ImageDecodeException) { image = null; }
                cache[path] = image;
            }
            return image;
        }

        int y = Margin;
        foreach (var c in classes)
        {
            canvas.DrawText(classNames is not null && c < classNames.Count ? classNames[c] : $"{c} {ImageNetClasses.NameOf(c, numClasses)}", Margin, y + 16, SKTextAlign.Left, titleFont, ink);
            y += 26;
            foreach (var (label, hits) in new[] { ("images of the class", result.FromClassImages[c]), ("all images", result.FromAllImages[c]) })
            {
                canvas.DrawText(label, Margin, y + Tile / 2f + 4, SKTextAlign.Left, labelFont, ink);
                if (hits.Count == 0)
                    canvas.DrawText("(none)", Margin + LabelWidth, y + Tile / 2f + 4, SKTextAlign.Left, labelFont, grey);
                for (int i = 0; i < hits.Count; i++)
                {
                    var hit = hits[i];
                    float left = Margin + LabelWidth + i * (Tile + Gap);
                    if (Load(hit.Image) is { } image && hit.X + hit.Size <= image.Width && hit.Y + hit.Size <= image.Height)
                    {
                        var patch = Preprocessing.CropRegion(image, hit.X, hit.Y, hit.Size, hit.Size);
                        using var bmp = Bitmaps.From(patch);
                        using var img = SKImage.FromBitmap(bmp);
                        canvas.DrawImage(img, SKRect.Create(left, y, Tile, Tile), new SKSamplingOptions(SKFilterMode.Linear));
                    }
                    canvas.DrawText(hit.Logit.ToString("0.00", CultureInfo.InvariantCulture), left + Tile / 2f, y + Tile + 14, SKTextAlign.Center, labelFont, grey);
                }
                y += rowHeight;
            }
            y += 10;
        }
        return bitmap;
    }

    /// <summary>Writes the mosaic as a PNG, atomically.</summary>
    public static void Save(string path, InformativePatchesResult result, Preprocessing preprocessing, int numClasses, int top, IReadOnlyList<string>? classNames = null)
    {
        using var bitmap = Render(result, preprocessing, numClasses, top, classNames);
        Bitmaps.SavePng(path, bitmap);
    }

    /// <summary>Writes class, row, rank, image, x, y, size, logit as CSV, atomically.</summary>
    public static void SaveCsv(string path, InformativePatchesResult result)
    {
        var csv = new StringBuilder("class,row,rank,image,x,y,size,logit\n");
        foreach (var (rowName, rows) in new[] { ("class_images", result.FromClassImages), ("all_images", result.FromAllImages) })
            foreach (var (c, hits) in rows)
                for (int i = 0; i < hits.Count; i++)
                {
                    var h = hits[i];
                    csv.Append(CultureInfo.InvariantCulture, $"{c},{rowName},{i + 1},{Quote(h.Image)},{h.X},{h.Y},{h.Size},{h.Logit:R}\n");
                }
        AtomicFile.WriteText(path, csv.ToString());
    }

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
