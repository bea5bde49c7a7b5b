using SkiaSharp;

namespace TextureBias.Reports;

/// <summary>A line plot of several observers' accuracy (0–1) over the conditions of an experiment ("pooled" in black), with chance (1/16) dashed.</summary>
public static class ObserverAccuracyPlot
{
    private static readonly SKColor[] Palette =
    [
        new(0xa5, 0x1e, 0x37), new(0x33, 0x5c, 0xa8), new(0x2e, 0x8b, 0x57), new(0xe0, 0x8a, 0x00),
        new(0x6a, 0x3d, 0x9a), new(0x00, 0x8b, 0x8b), new(0x80, 0x80, 0x80), new(0xb1, 0x59, 0x28),
    ];

    /// <summary>Renders one line per observer over <paramref name="conditions"/> (NaN where an observer has no trials).</summary>
    public static SKBitmap Render(string title, string xLabel, IReadOnlyList<string> conditions, IReadOnlyList<(string Name, IReadOnlyList<double> Accuracy)> series)
    {
        const int left = 70, top = 50, plotW = 460, plotH = 280;
        using var titleFont = Fonts.Font(15);
        using var font = Fonts.Font(12);
        float legendWidth = series.Count == 0 ? 0 : series.Max(s => font.MeasureText(s.Name)) + 40;
        int width = Math.Max(left + plotW + 20 + (int)Math.Ceiling(legendWidth) + 16, (int)Math.Ceiling(titleFont.MeasureText(title)) + 32);
        int height = Math.Max(400, top + 18 * series.Count + 20);
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var ink = Bitmaps.Ink();
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), StrokeWidth = 1 };
        using var chance = new SKPaint { Color = new SKColor(0x90, 0x90, 0x90), StrokeWidth = 1, PathEffect = SKPathEffect.CreateDash([4, 4], 0) };
        canvas.DrawText(title, 16, 26, SKTextAlign.Left, titleFont, ink);
        float X(int i) => left + (conditions.Count == 1 ? plotW / 2f : i * plotW / (float)(conditions.Count - 1));
        float Y(double p) => top + plotH - (float)(Math.Clamp(p, 0, 1) * plotH);
        for (int t = 0; t <= 100; t += 20)
        {
            canvas.DrawLine(left, Y(t / 100.0), left + plotW, Y(t / 100.0), grid);
            canvas.DrawText($"{t}%", left - 8, Y(t / 100.0) + 4, SKTextAlign.Right, font, ink);
        }
        canvas.DrawLine(left, Y(1 / 16.0), left + plotW, Y(1 / 16.0), chance);
        for (int i = 0; i < conditions.Count; i++) canvas.DrawText(conditions[i], X(i), top + plotH + 18, SKTextAlign.Center, font, ink);
        canvas.DrawText(xLabel, left + plotW / 2f, top + plotH + 40, SKTextAlign.Center, font, ink);
        for (int s = 0; s < series.Count; s++)
        {
            var colour = series[s].Name == "pooled" ? SKColors.Black : Palette[s % Palette.Length];
            using var line = new SKPaint { Color = colour, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
            using var dot = new SKPaint { Color = colour, IsAntialias = true };
            var values = series[s].Accuracy;
            for (int i = 0; i < values.Count; i++)
            {
                if (double.IsNaN(values[i])) continue;
                canvas.DrawCircle(X(i), Y(values[i]), 3.5f, dot);
                if (i + 1 < values.Count && !double.IsNaN(values[i + 1])) canvas.DrawLine(X(i), Y(values[i]), X(i + 1), Y(values[i + 1]), line);
            }
            float ly = top + 18 * s;
            canvas.DrawLine(left + plotW + 20, ly, left + plotW + 44, ly, line);
            canvas.DrawText(series[s].Name, left + plotW + 50, ly + 4, SKTextAlign.Left, font, ink);
        }
        return bitmap;
    }

    /// <summary>Renders and writes the plot as a PNG, atomically.</summary>
    public static void Save(string path, string title, string xLabel, IReadOnlyList<string> conditions, IReadOnlyList<(string Name, IReadOnlyList<double> Accuracy)> series)
    {
        using var bitmap = Render(title, xLabel, conditions, series);
        Bitmaps.SavePng(path, bitmap);
    }
}
