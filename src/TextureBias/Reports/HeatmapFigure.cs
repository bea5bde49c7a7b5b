using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;
using static TorchSharp.torch;

namespace TextureBias.Reports;

/// <summary>
/// The figure of the BagNet paper: the image, then one panel per class with its evidence map in
/// a diverging blue–white–red colour map symmetric around zero (scaled at the 99th percentile of
/// |value|, as the reference <c>plot_heatmap</c>), the image's edges drawn over it, the class
/// name above it and a colour bar beside it.
/// </summary>
public static class HeatmapFigure
{
    private const int Margin = 16;
    private const int TitleHeight = 30;
    private const int BarWidth = 14;
    private const int BarLabelWidth = 64;
    private const int CaptionHeight = 34;

    /// <summary>The percentile of |value| the colour scale ends at (the reference's default).</summary>
    public const double Percentile = 99;

    /// <summary>
    /// Renders <paramref name="maps"/> [C,H,W] (on the image's pixel grid; NaN where there is no
    /// value) beside <paramref name="image"/> (H×W). <paramref name="titles"/> has one title per map.
    /// </summary>
    public static SKBitmap Render(RgbImage image, Tensor maps, IReadOnlyList<string> titles, string caption)
    {
        if (maps.dim() != 3 || maps.shape[1] != image.Height || maps.shape[2] != image.Width)
            throw new ArgumentException($"maps [{string.Join(",", maps.shape)}] do not match the {image.Width}x{image.Height} image");
        if (titles.Count != maps.shape[0]) throw new ArgumentException("one title per map is needed");
        int classes = (int)maps.shape[0];
        float scale = 360f / Math.Max(image.Width, image.Height);
        int pw = (int)Math.Round(image.Width * scale), ph = (int)Math.Round(image.Height * scale);
        int panelStride = pw + BarWidth + BarLabelWidth + Margin;
        int width = Margin + pw + Margin + classes * panelStride;
        int height = Margin + TitleHeight + ph + CaptionHeight + Margin;

        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var titleFont = Fonts.Font(15);
        using var labelFont = Fonts.Font(12);
        using var ink = Bitmaps.Ink();

        using var photo = Bitmaps.From(image);
        int top = Margin + TitleHeight;
        var photoRect = SKRect.Create(Margin, top, pw, ph);
        using (var photoImage = SKImage.FromBitmap(photo))
            canvas.DrawImage(photoImage, photoRect, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        DrawTitle(canvas, "Image", Margin, top - 9, pw, titleFont, ink);

        using var edgeBitmap = EdgeOverlay(image);
        using var edges = SKImage.FromBitmap(edgeBitmap);
        float[] values = maps.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        int plane = image.Width * image.Height;
        for (int c = 0; c < classes; c++)
        {
            var span = new ReadOnlySpan<float>(values, c * plane, plane);
            double limit = AbsPercentile(span, Percentile);
            if (limit <= 0) limit = 1e-12;
            int left = Margin + pw + Margin + c * panelStride;
            var rect = SKRect.Create(left, top, pw, ph);
            using (var heat = MapBitmap(span, image.Width, image.Height, limit))
            using (var heatImage = SKImage.FromBitmap(heat))
                canvas.DrawImage(heatImage, rect, new SKSamplingOptions(SKFilterMode.Nearest));
            canvas.DrawImage(edges, rect, new SKSamplingOptions(SKFilterMode.Linear));
            using (var frame = new SKPaint { Color = new SKColor(0xb0, 0xb0, 0xb0), Style = SKPaintStyle.Stroke, StrokeWidth = 1 })
                canvas.DrawRect(rect, frame);
            DrawTitle(canvas, titles[c], left, top - 9, pw, titleFont, ink);
            DrawColorBar(canvas, left + pw + 6, top, ph, limit, labelFont, ink);
        }
        DrawTitle(canvas, caption, Margin, height - Margin - 8, width - 2 * Margin, labelFont, ink);
        return bitmap;
    }

    /// <summary>Renders and writes the figure as a PNG, atomically.</summary>
    public static void Save(string path, RgbImage image, Tensor maps, IReadOnlyList<string> titles, string caption)
    {
        using var bitmap = Render(image, maps, titles, caption);
        Bitmaps.SavePng(path, bitmap);
    }

    /// <summary>The given percentile of |values| (NaN ignored), interpolated linearly as NumPy's default.</summary>
    public static double AbsPercentile(ReadOnlySpan<float> values, double percentile)
    {
        var abs = new List<float>(values.Length);
        foreach (var v in values)
            if (!float.IsNaN(v)) abs.Add(Math.Abs(v));
        if (abs.Count == 0) return 0;
        abs.Sort();
        double pos = percentile / 100 * (abs.Count - 1);
        int i = (int)Math.Floor(pos);
        if (i >= abs.Count - 1) return abs[^1];
        return abs[i] + (abs[i + 1] - abs[i]) * (pos - i);
    }

    private static SKBitmap MapBitmap(ReadOnlySpan<float> values, int width, int height, double limit)
    {
        var bmp = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var px = new byte[width * height * 4];
        for (int i = 0; i < values.Length; i++)
        {
            var colour = float.IsNaN(values[i]) ? SKColors.White : ColorMaps.Diverging((values[i] / limit + 1) / 2);
            px[i * 4] = colour.Red;
            px[i * 4 + 1] = colour.Green;
            px[i * 4 + 2] = colour.Blue;
            px[i * 4 + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(px, 0, bmp.GetPixels(), px.Length);
        return bmp;
    }

    /// <summary>
    /// Edges as the reference draws them: Canny on the grey image rescaled by 0.5 (so lines come
    /// out thick once stretched over the panel), nothing within 5 pixels of the border. They are
    /// drawn dark grey here (the reference draws them white at 25%, which vanishes where the
    /// evidence is near zero). Small images (under 128 pixels a side) are not halved and their
    /// border margin shrinks with them (5 pixels at 224), so an object near the edge of a small
    /// image keeps its outline.
    /// </summary>
    private static SKBitmap EdgeOverlay(RgbImage image)
    {
        bool halve = Math.Min(image.Width, image.Height) >= 128;
        var scaled = halve ? PilResize.Bilinear(image, Math.Max(1, image.Width / 2), Math.Max(1, image.Height / 2)) : image;
        var edges = EdgeDetector.Canny(scaled);
        int w = scaled.Width, h = scaled.Height;
        int margin = EdgeMargin(image.Width, image.Height, halve);
        var bmp = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        var px = new byte[w * h * 4];
        for (int y = margin; y < h - margin; y++)
        for (int x = margin; x < w - margin; x++)
            if (edges[y, x])
            {
                int i = (y * w + x) * 4;
                px[i] = px[i + 1] = px[i + 2] = 0x18; // premultiplied dark grey at alpha 0.4
                px[i + 3] = 102;
            }
        System.Runtime.InteropServices.Marshal.Copy(px, 0, bmp.GetPixels(), px.Length);
        return bmp;
    }

    /// <summary>
    /// The border band left without edges, in pixels of the edge map: the reference's 5 at
    /// 224 pixels (halved: 112), in proportion for other sizes, at most 5 and at least 1.
    /// </summary>
    internal static int EdgeMargin(int width, int height, bool halved)
    {
        int side = Math.Min(width, height) / (halved ? 2 : 1);
        return Math.Clamp((int)Math.Round(5.0 * side / 112), 1, 5);
    }

    private static void DrawTitle(SKCanvas canvas, string text, float left, float baseline, float maxWidth, SKFont font, SKPaint paint)
    {
        string shown = text;
        while (shown.Length > 1 && font.MeasureText(shown) > maxWidth)
            shown = shown[..^2] + "…";
        canvas.DrawText(shown, left, baseline, SKTextAlign.Left, font, paint);
    }

    private static void DrawColorBar(SKCanvas canvas, float left, float top, float height, double limit, SKFont font, SKPaint ink)
    {
        for (int y = 0; y < (int)height; y++)
        {
            double t = 1 - y / (height - 1);
            using var p = new SKPaint { Color = ColorMaps.Diverging(t) };
            canvas.DrawRect(left, top + y, BarWidth, 1, p);
        }
        using (var frame = new SKPaint { Color = new SKColor(0xb0, 0xb0, 0xb0), Style = SKPaintStyle.Stroke, StrokeWidth = 1 })
            canvas.DrawRect(left, top, BarWidth, height, frame);
        float x = left + BarWidth + 4;
        canvas.DrawText($"+{limit:G3}", x, top + 10, SKTextAlign.Left, font, ink);
        canvas.DrawText("0", x, top + height / 2 + 4, SKTextAlign.Left, font, ink);
        canvas.DrawText($"−{limit:G3}", x, top + height, SKTextAlign.Left, font, ink);
    }
}
