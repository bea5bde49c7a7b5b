using SkiaSharp;

namespace TextureBias.Reports;

/// <summary>A line plot of accuracy (percent, 0–100) over labelled conditions (distortion levels, grid sizes).</summary>
public static class AccuracyPlot
{
    /// <summary>Renders top-1 (solid) and top-5 (dashed) accuracy over <paramref name="labels"/>.</summary>
    public static SKBitmap Render(string title, string xLabel, IReadOnlyList<string> labels, IReadOnlyList<double> top1, IReadOnlyList<double> top5)
    {
        const int left = 70, top = 50, plotW = 460, plotH = 280, width = 600, height = 400;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var titleFont = Fonts.Font(15);
        using var font = Fonts.Font(12);
        using var ink = Bitmaps.Ink();
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), StrokeWidth = 1 };
        canvas.DrawText(title, 16, 26, SKTextAlign.Left, titleFont, ink);
        float X(int i) => left + (labels.Count == 1 ? plotW / 2f : i * plotW / (float)(labels.Count - 1));
        float Y(double p) => top + plotH - (float)(Math.Clamp(p, 0, 100) / 100 * plotH);
        for (int t = 0; t <= 100; t += 20)
        {
            canvas.DrawLine(left, Y(t), left + plotW, Y(t), grid);
            canvas.DrawText($"{t}%", left - 8, Y(t) + 4, SKTextAlign.Right, font, ink);
        }
        for (int i = 0; i < labels.Count; i++) canvas.DrawText(labels[i], X(i), top + plotH + 18, SKTextAlign.Center, font, ink);
        canvas.DrawText(xLabel, left + plotW / 2f, top + plotH + 40, SKTextAlign.Center, font, ink);
        void Series(IReadOnlyList<double> values, SKColor colour, bool dashed, string name, float legendY)
        {
            using var line = new SKPaint { Color = colour, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
            if (dashed) line.PathEffect = SKPathEffect.CreateDash(new[] { 6f, 4f }, 0);
            using var dot = new SKPaint { Color = colour, IsAntialias = true };
            using var path = new SKPath();
            for (int i = 0; i < values.Count; i++)
            {
                if (i == 0) path.MoveTo(X(i), Y(values[i])); else path.LineTo(X(i), Y(values[i]));
                canvas.DrawCircle(X(i), Y(values[i]), 4, dot);
            }
            canvas.DrawPath(path, line);
            canvas.DrawLine(left + plotW - 110, legendY, left + plotW - 85, legendY, line);
            canvas.DrawText(name, left + plotW - 80, legendY + 4, SKTextAlign.Left, font, ink);
        }
        Series(top1, new SKColor(0xd6, 0x27, 0x28), false, "top-1", top + 10);
        Series(top5, new SKColor(0x1f, 0x77, 0xb4), true, "top-5", top + 28);
        return bitmap;
    }

    /// <summary>Renders and writes the plot as a PNG, atomically.</summary>
    public static void Save(string path, string title, string xLabel, IReadOnlyList<string> labels, IReadOnlyList<double> top1, IReadOnlyList<double> top5)
    {
        using var bitmap = Render(title, xLabel, labels, top1, top5);
        Bitmaps.SavePng(path, bitmap);
    }
}
