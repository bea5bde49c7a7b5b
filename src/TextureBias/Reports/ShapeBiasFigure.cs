using SkiaSharp;
using TextureBias.Evaluation;

namespace TextureBias.Reports;

/// <summary>
/// The shape-bias figure of Geirhos et al.: one row per shape category present, the fraction of shape
/// decisions (among shape and texture decisions) from 0 (texture) to 1 (shape), a marker per
/// observer and category, each observer's overall shape bias as a vertical line, and the
/// published values of humans (95.9%) and ImageNet ResNet-50 (22.1%) as dashed references.
/// </summary>
public static class ShapeBiasFigure
{
    /// <summary>Published reference values (FACTS D.3): humans, ResNet-50 trained on ImageNet.</summary>
    public static IReadOnlyList<(string Name, double ShapeBias)> References { get; } = new[] { ("humans", 0.959), ("ResNet-50 (ImageNet)", 0.221) };

    private static readonly SKColor[] Palette =
    {
        new(0xd6, 0x27, 0x28), new(0x1f, 0x77, 0xb4), new(0x2c, 0xa0, 0x2c), new(0x94, 0x67, 0xbd), new(0xff, 0x7f, 0x0e), new(0x8c, 0x56, 0x4b),
    };

    /// <summary>
    /// Renders the figure for one or more observers: a row for each category any observer has
    /// trials of, in the 16 categories' order with <see cref="References"/> (published for the
    /// 16-category stimuli) when they are all among them, else in name order without.
    /// </summary>
    public static SKBitmap Render(IReadOnlyList<ShapeBiasResult> observers)
    {
        var present = observers.SelectMany(o => o.PerCategory).Select(c => c.Name).Distinct().ToList();
        bool sixteen = present.All(c => SixteenClassMapping.Categories.Contains(c));
        var categories = sixteen ? SixteenClassMapping.Categories.Where(present.Contains).ToList() : present.OrderBy(c => c, StringComparer.Ordinal).ToList();
        return Render(observers, categories.Count > 0 ? categories : SixteenClassMapping.Categories, sixteen ? References : Array.Empty<(string, double)>());
    }

    /// <summary>
    /// Renders the figure for observers on the given categories (one row for each that some
    /// observer has trials of, or for all when none has) with other reference lines. The legend
    /// is sized to its longest entry and the figure grows to hold every entry.
    /// </summary>
    public static SKBitmap Render(IReadOnlyList<ShapeBiasResult> observers, IReadOnlyList<string> categories, IReadOnlyList<(string Name, double ShapeBias)> references)
    {
        var present = observers.SelectMany(o => o.PerCategory).Select(c => c.Name).ToHashSet();
        var rows = categories.Where(present.Contains).ToList();
        if (rows.Count == 0) rows = categories.ToList();
        using var titleFont = Fonts.Font(15);
        using var font = Fonts.Font(12);
        var legendEntries = references.Select(r => $"{r.Name} {100 * r.ShapeBias:0.0}%")
            .Concat(observers.Select(o => $"{o.Name} {(double.IsNaN(o.ShapeBias) ? "-" : $"{100 * o.ShapeBias:0.0}%")}")).ToList();
        const int top = 60, row = 26, plotWidth = 420, legendGap = 46, margin = 16, entry = 20;
        int left = Math.Max(60, (int)Math.Ceiling(rows.Select(c => font.MeasureText(c)).DefaultIfEmpty(0).Max()) + 16);
        int right = legendGap + (int)Math.Ceiling(legendEntries.Select(e => font.MeasureText(e)).DefaultIfEmpty(0).Max()) + margin;
        int plotBottom = top + rows.Count * row + 70, legendBottom = top + legendEntries.Count * entry + margin;
        int width = Math.Max(left + plotWidth + right, (int)Math.Ceiling(titleFont.MeasureText(Title)) + 2 * margin);
        int height = Math.Max(plotBottom, legendBottom);
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var ink = Bitmaps.Ink();
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), StrokeWidth = 1 };
        float X(double f) => left + (float)(f * plotWidth);
        canvas.DrawText(Title, margin, 24, SKTextAlign.Left, titleFont, ink);
        canvas.DrawText("texture", X(0), top - 10, SKTextAlign.Left, font, ink);
        canvas.DrawText("shape", X(1), top - 10, SKTextAlign.Right, font, ink);
        for (int i = 0; i < rows.Count; i++)
        {
            float y = top + i * row + row / 2f;
            canvas.DrawLine(X(0), y, X(1), y, grid);
            canvas.DrawText(rows[i], left - 8, y + 4, SKTextAlign.Right, font, ink);
        }
        float bottom = top + rows.Count * row;
        for (int t = 0; t <= 10; t++)
        {
            canvas.DrawLine(X(t / 10.0), bottom, X(t / 10.0), bottom + 4, ink);
            if (t % 2 == 0) canvas.DrawText($"{t / 10.0:0.0}", X(t / 10.0), bottom + 18, SKTextAlign.Center, font, ink);
        }
        canvas.DrawText("fraction of shape decisions", X(0.5), bottom + 38, SKTextAlign.Center, font, ink);
        float legend = top;
        int label = 0;
        foreach (var (_, value) in references)
        {
            using var dashed = new SKPaint { Color = new SKColor(0x60, 0x60, 0x60), StrokeWidth = 1.5f, PathEffect = SKPathEffect.CreateDash(new[] { 5f, 4f }, 0), IsAntialias = true };
            canvas.DrawLine(X(value), top, X(value), bottom, dashed);
            canvas.DrawLine(X(1) + 20, legend, X(1) + 40, legend, dashed);
            canvas.DrawText(legendEntries[label++], X(1) + legendGap, legend + 4, SKTextAlign.Left, font, ink);
            legend += entry;
        }
        for (int o = 0; o < observers.Count; o++)
        {
            var colour = Palette[o % Palette.Length];
            using var fill = new SKPaint { Color = colour, IsAntialias = true };
            using var line = new SKPaint { Color = colour, StrokeWidth = 2, IsAntialias = true };
            foreach (var c in observers[o].PerCategory)
            {
                int i = rows.IndexOf(c.Name);
                if (i < 0 || double.IsNaN(c.ShapeBias)) continue;
                canvas.DrawCircle(X(c.ShapeBias), top + i * row + row / 2f, 5, fill);
            }
            if (!double.IsNaN(observers[o].ShapeBias)) canvas.DrawLine(X(observers[o].ShapeBias), top, X(observers[o].ShapeBias), bottom, line);
            canvas.DrawCircle(X(1) + 30, legend, 5, fill);
            canvas.DrawText(legendEntries[label++], X(1) + legendGap, legend + 4, SKTextAlign.Left, font, ink);
            legend += entry;
        }
        return bitmap;
    }

    private const string Title = "Shape bias per category (cue-conflict images)";

    /// <summary>Renders and writes the figure as a PNG, atomically.</summary>
    public static void Save(string path, IReadOnlyList<ShapeBiasResult> observers)
    {
        using var bitmap = Render(observers);
        Bitmaps.SavePng(path, bitmap);
    }

    /// <summary>Renders the figure on other categories and writes it as a PNG, atomically.</summary>
    public static void Save(string path, IReadOnlyList<ShapeBiasResult> observers, IReadOnlyList<string> categories, IReadOnlyList<(string Name, double ShapeBias)> references)
    {
        using var bitmap = Render(observers, categories, references);
        Bitmaps.SavePng(path, bitmap);
    }
}
