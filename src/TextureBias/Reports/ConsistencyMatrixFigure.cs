using System.Globalization;
using SkiaSharp;
using TextureBias.Observers;

namespace TextureBias.Reports;

/// <summary>
/// An error-consistency matrix as a heatmap: kappa of every pair of observers, coloured with matplotlib's <c>RdBu_r</c> from
/// −1 (blue) through 0 (white) to 1 (red), values written in, a colour bar on the right.
/// </summary>
public static class ConsistencyMatrixFigure
{
    /// <summary>Renders <paramref name="matrix"/> with a title.</summary>
    public static SKBitmap Render(ConsistencyMatrix matrix, string title)
    {
        var names = matrix.Observers;
        int n = names.Count;
        const int margin = 16, top = 56, barWidth = 18, barGap = 24;
        using var titleFont = Fonts.Font(15);
        using var font = Fonts.Font(11);
        int cell = Math.Clamp(560 / Math.Max(1, n), 14, 48);
        float longest = names.Count == 0 ? 0 : names.Max(s => font.MeasureText(s));
        int left = margin + (int)Math.Ceiling(longest) + 8;
        int gridRight = left + n * cell;
        int width = Math.Max(gridRight + barGap + barWidth + 40 + margin, (int)Math.Ceiling(titleFont.MeasureText(title)) + 2 * margin);
        int height = top + n * cell + (int)Math.Ceiling(longest * 0.87) + 24 + margin;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var ink = Bitmaps.Ink();
        using var light = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.DrawText(title, margin, 26, SKTextAlign.Left, titleFont, ink);
        bool writeValues = cell >= 28;
        for (int i = 0; i < n; i++)
        {
            canvas.DrawText(names[i], left - 6, top + i * cell + cell / 2f + 4, SKTextAlign.Right, font, ink);
            for (int j = 0; j < n; j++)
            {
                double k = matrix.Kappa[i][j];
                using var fill = new SKPaint { Color = ColorMaps.Diverging((k + 1) / 2) };
                canvas.DrawRect(left + j * cell, top + i * cell, cell - 1, cell - 1, fill);
                if (writeValues && !double.IsNaN(k))
                    canvas.DrawText(k.ToString("0.00", CultureInfo.InvariantCulture), left + j * cell + cell / 2f, top + i * cell + cell / 2f + 4,
                        SKTextAlign.Center, font, Math.Abs(k) > 0.6 ? light : ink);
            }
        }
        for (int j = 0; j < n; j++)
        {
            canvas.Save();
            canvas.Translate(left + j * cell + cell / 2f + 4, top + n * cell + 6);
            canvas.RotateDegrees(60);
            canvas.DrawText(names[j], 0, 0, SKTextAlign.Left, font, ink);
            canvas.Restore();
        }
        // Colour bar: kappa 1 at the top, −1 at the bottom.
        int barLeft = gridRight + barGap, barHeight = Math.Max(n * cell, 120);
        for (int y = 0; y < barHeight; y++)
        {
            using var p = new SKPaint { Color = ColorMaps.Diverging(1 - (double)y / (barHeight - 1)) };
            canvas.DrawRect(barLeft, top + y, barWidth, 1, p);
        }
        foreach (var (v, label) in new[] { (1.0, "1"), (0.0, "0"), (-1.0, "−1") })
            canvas.DrawText(label, barLeft + barWidth + 4, top + (float)((1 - v) / 2 * (barHeight - 1)) + 4, SKTextAlign.Left, font, ink);
        canvas.DrawText("κ", barLeft + barWidth / 2f, top - 8, SKTextAlign.Center, font, ink);
        return bitmap;
    }

    /// <summary>Renders and writes the figure as a PNG, atomically.</summary>
    public static void Save(string path, ConsistencyMatrix matrix, string title)
    {
        using var bitmap = Render(matrix, title);
        Bitmaps.SavePng(path, bitmap);
    }
}
