using SkiaSharp;
using TextureBias.Comparison;

namespace TextureBias.Reports;

/// <summary>
/// Interactions between image parts against the gap between the masked patches, one line per model: left the correlation of
/// Δ({p,q}) with Δ({p}) + Δ({q}) (1: the parts act independently), right the relative non-additivity
/// mean |Δ({p,q}) − Δ({p}) − Δ({q})| / mean |Δ({p,q})|.
/// </summary>
public static class InteractionPlot
{
    private static readonly SKColor[] Palette =
    [
        new(0xa5, 0x1e, 0x37), new(0x33, 0x5c, 0xa8), new(0x2e, 0x8b, 0x57), new(0xe0, 0x8a, 0x00),
        new(0x6a, 0x3d, 0x9a), new(0x00, 0x8b, 0x8b), new(0x80, 0x80, 0x80), new(0xb1, 0x59, 0x28),
    ];

    /// <summary>Renders the two panels for <paramref name="models"/> (same bins for all); <paramref name="caption"/> goes under the title.</summary>
    public static SKBitmap Render(string title, string caption, IReadOnlyList<(string Name, InteractionResult Result)> models)
    {
        const int left = 70, top = 84, plotW = 380, plotH = 280, gap = 90;
        using var titleFont = Fonts.Font(15);
        using var font = Fonts.Font(12);
        float legendWidth = models.Count == 0 ? 0 : models.Max(m => font.MeasureText(m.Name)) + 40;
        int width = Math.Max(left + 2 * plotW + gap + 20 + (int)Math.Ceiling(legendWidth) + 16, (int)Math.Ceiling(Math.Max(titleFont.MeasureText(title), font.MeasureText(caption))) + 32);
        int height = Math.Max(top + plotH + 60, top + 18 * models.Count + 20);
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var ink = Bitmaps.Ink();
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), StrokeWidth = 1 };
        canvas.DrawText(title, 16, 26, SKTextAlign.Left, titleFont, ink);
        canvas.DrawText(caption, 16, 46, SKTextAlign.Left, font, ink);
        var labels = models.Count == 0 ? [] : models[0].Result.Bins.Select(b => b.Label).ToList();
        var rs = models.SelectMany(m => m.Result.Bins.Select(b => b.Correlation)).Where(v => !double.IsNaN(v)).ToList();
        double rLow = rs.Count == 0 ? 0 : Math.Max(-1, Math.Min(0.9, Math.Floor(rs.Min() * 10) / 10));
        var rels = models.SelectMany(m => m.Result.Bins.Select(b => b.RelativeNonAdditivity)).Where(v => !double.IsNaN(v)).ToList();
        double relHigh = Math.Max(0.1, rels.Count == 0 ? 0.1 : Math.Ceiling(rels.Max() * 10) / 10);
        var panels = new (string Label, double Low, double High, Func<InteractionBin, double> Value)[]
        {
            ("correlation of Δ(p,q) with Δ(p) + Δ(q)", rLow, 1, b => b.Correlation),
            ("relative non-additivity", 0, relHigh, b => b.RelativeNonAdditivity),
        };
        for (int p = 0; p < panels.Length; p++)
        {
            var (label, low, high, value) = panels[p];
            float x0 = left + p * (plotW + gap);
            float X(int i) => x0 + (labels.Count == 1 ? plotW / 2f : i * plotW / (float)(labels.Count - 1));
            float Y(double v) => top + plotH - (float)((Math.Clamp(v, low, high) - low) / (high - low) * plotH);
            for (int t = 0; t <= 5; t++)
            {
                double v = low + t * (high - low) / 5;
                canvas.DrawLine(x0, Y(v), x0 + plotW, Y(v), grid);
                canvas.DrawText(v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), x0 - 8, Y(v) + 4, SKTextAlign.Right, font, ink);
            }
            for (int i = 0; i < labels.Count; i++) canvas.DrawText(labels[i], X(i), top + plotH + 18, SKTextAlign.Center, font, ink);
            canvas.DrawText("gap between the patches (pixels)", x0 + plotW / 2f, top + plotH + 40, SKTextAlign.Center, font, ink);
            canvas.DrawText(label, x0 + plotW / 2f, top - 10, SKTextAlign.Center, font, ink);
            for (int m = 0; m < models.Count; m++)
            {
                var colour = Palette[m % Palette.Length];
                using var line = new SKPaint { Color = colour, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
                using var dot = new SKPaint { Color = colour, IsAntialias = true };
                var values = models[m].Result.Bins.Select(value).ToList();
                for (int i = 0; i < values.Count; i++)
                {
                    if (double.IsNaN(values[i])) continue;
                    canvas.DrawCircle(X(i), Y(values[i]), 3.5f, dot);
                    if (i + 1 < values.Count && !double.IsNaN(values[i + 1])) canvas.DrawLine(X(i), Y(values[i]), X(i + 1), Y(values[i + 1]), line);
                }
                if (p == 1)
                {
                    float ly = top + 18 * m;
                    canvas.DrawLine(x0 + plotW + 20, ly, x0 + plotW + 44, ly, line);
                    canvas.DrawText(models[m].Name, x0 + plotW + 50, ly + 4, SKTextAlign.Left, font, ink);
                }
            }
        }
        return bitmap;
    }

    /// <summary>Renders and writes the plot as a PNG, atomically.</summary>
    public static void Save(string path, string title, string caption, IReadOnlyList<(string Name, InteractionResult Result)> models)
    {
        using var bitmap = Render(title, caption, models);
        Bitmaps.SavePng(path, bitmap);
    }
}
