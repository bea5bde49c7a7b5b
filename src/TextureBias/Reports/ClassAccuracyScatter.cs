using SkiaSharp;
using TextureBias.Evaluation;

namespace TextureBias.Reports;

/// <summary>
/// The BagNet paper's error-distribution figure: one dot per class at (model A's accuracy, model B's accuracy) over the
/// images of the class, the diagonal dashed, Pearson r across classes in the title; top-5 (the paper's) and top-1 side by side.
/// </summary>
public static class ClassAccuracyScatter
{
    /// <summary>Renders the two panels (top-5, top-1) for <paramref name="comparison"/>; <paramref name="nameA"/> is on x, <paramref name="nameB"/> on y.</summary>
    public static SKBitmap Render(ClassAccuracyComparison comparison, string nameA, string nameB)
    {
        const int left = 70, top = 60, side = 300, gap = 90, width = left + 2 * side + gap + 30, height = top + side + 60;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var titleFont = Fonts.Font(15);
        using var font = Fonts.Font(12);
        using var ink = Bitmaps.Ink();
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), StrokeWidth = 1 };
        using var diagonal = new SKPaint { Color = new SKColor(0x90, 0x90, 0x90), StrokeWidth = 1, IsAntialias = true, PathEffect = SKPathEffect.CreateDash([5, 4], 0) };
        using var dot = new SKPaint { Color = new SKColor(0x1f, 0x77, 0xb4, 0x99), IsAntialias = true };
        int classes = comparison.Classes.Count(c => c.Images > 0);
        canvas.DrawText($"Per-class accuracy, {nameB} vs {nameA} ({classes} classes, {comparison.Images} images)", 16, 26, SKTextAlign.Left, titleFont, ink);
        var panels = new (string Label, double R, Func<ClassAccuracyPair, double> X, Func<ClassAccuracyPair, double> Y)[]
        {
            ("top-5", comparison.Top5R, c => c.Top5A, c => c.Top5B),
            ("top-1", comparison.Top1R, c => c.Top1A, c => c.Top1B),
        };
        for (int p = 0; p < panels.Length; p++)
        {
            float x0 = left + p * (side + gap);
            float X(double v) => x0 + (float)(Math.Clamp(v, 0, 1) * side);
            float Y(double v) => top + side - (float)(Math.Clamp(v, 0, 1) * side);
            for (int t = 0; t <= 100; t += 20)
            {
                canvas.DrawLine(x0, Y(t / 100.0), x0 + side, Y(t / 100.0), grid);
                canvas.DrawLine(X(t / 100.0), top, X(t / 100.0), top + side, grid);
                canvas.DrawText($"{t}%", x0 - 6, Y(t / 100.0) + 4, SKTextAlign.Right, font, ink);
                canvas.DrawText($"{t}%", X(t / 100.0), top + side + 16, SKTextAlign.Center, font, ink);
            }
            canvas.DrawLine(X(0), Y(0), X(1), Y(1), diagonal);
            var (label, r, fx, fy) = panels[p];
            foreach (var c in comparison.Classes.Where(c => c.Images > 0)) canvas.DrawCircle(X(fx(c)), Y(fy(c)), 3, dot);
            canvas.DrawText($"{label}: r = {(double.IsNaN(r) ? "n/a" : r.ToString("0.000"))}", x0 + side / 2f, top - 10, SKTextAlign.Center, font, ink);
            canvas.DrawText($"{nameA} {label} accuracy", x0 + side / 2f, top + side + 36, SKTextAlign.Center, font, ink);
            canvas.Save();
            canvas.RotateDegrees(-90, x0 - 48, top + side / 2f);
            canvas.DrawText($"{nameB} {label} accuracy", x0 - 48, top + side / 2f, SKTextAlign.Center, font, ink);
            canvas.Restore();
        }
        return bitmap;
    }

    /// <summary>Renders and writes the figure as a PNG, atomically.</summary>
    public static void Save(string path, ClassAccuracyComparison comparison, string nameA, string nameB)
    {
        using var bitmap = Render(comparison, nameA, nameB);
        Bitmaps.SavePng(path, bitmap);
    }
}
