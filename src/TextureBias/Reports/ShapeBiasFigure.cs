using SkiaSharp;
using TextureBias.Evaluation;

namespace TextureBias.Reports;

/// <summary>
/// The shape-bias figure of Geirhos et al.: one row per shape category, the fraction of shape
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

    /// <summary>Renders the figure for one or more observers on the 16 categories, with <see cref="References"/>.</summary>
    public static SKBitmap Render(IReadOnlyList<ShapeBiasResult> observers) => Render(observers, SixteenClassMapping.Categories, References);

    /// <summary>Renders the figure for observers on other categories (one row each) with other reference lines.</summary>
    public static SKBitmap Render(IReadOnlyList<ShapeBiasResult> observers, IReadOnlyList<string> categories, IReadOnlyList<(string Name, double ShapeBias)> references)
    {
        const int left = 100, right = 260, top = 60, row = 26, plotWidth = 420;
        int width = left + plotWidth + right, height = top + categories.Count * row + 70;
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var titleFont = Fonts.Font(15);
        using var font = Fonts.Font(12);
        using var ink = Bitmaps.Ink();
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), StrokeWidth = 1 };
        float X(double f) => left + (float)(f * plotWidth);
        canvas.DrawText("Shape bias per category (cue-conflict images)", 16, 24, SKTextAlign.Left, titleFont, ink);
        canvas.DrawText("texture", X(0), top - 10, SKTextAlign.Left, font, ink);
        canvas.DrawText("shape", X(1), top - 10, SKTextAlign.Right, font, ink);
        for (int i = 0; i < categories.Count; i++)
        {
            float y = top + i * row + row / 2f;
            canvas.DrawLine(X(0), y, X(1), y, grid);
            canvas.DrawText(categories[i], left - 8, y + 4, SKTextAlign.Right, font, ink);
        }
        float bottom = top + categories.Count * row;
        for (int t = 0; t <= 10; t++)
        {
            canvas.DrawLine(X(t / 10.0), bottom, X(t / 10.0), bottom + 4, ink);
            if (t % 2 == 0) canvas.DrawText($"{t / 10.0:0.0}", X(t / 10.0), bottom + 18, SKTextAlign.Center, font, ink);
        }
        canvas.DrawText("fraction of shape decisions", X(0.5), bottom + 38, SKTextAlign.Center, font, ink);
        float legend = top;
        foreach (var (name, value) in references)
        {
            using var dashed = new SKPaint { Color = new SKColor(0x60, 0x60, 0x60), StrokeWidth = 1.5f, PathEffect = SKPathEffect.CreateDash(new[] { 5f, 4f }, 0), IsAntialias = true };
            canvas.DrawLine(X(value), top, X(value), bottom, dashed);
            canvas.DrawLine(X(1) + 20, legend, X(1) + 40, legend, dashed);
            canvas.DrawText($"{name} {100 * value:0.0}%", X(1) + 46, legend + 4, SKTextAlign.Left, font, ink);
            legend += 20;
        }
        for (int o = 0; o < observers.Count; o++)
        {
            var colour = Palette[o % Palette.Length];
            using var fill = new SKPaint { Color = colour, IsAntialias = true };
            using var line = new SKPaint { Color = colour, StrokeWidth = 2, IsAntialias = true };
            foreach (var c in observers[o].PerCategory)
            {
                int i = categories.ToList().IndexOf(c.Name);
                if (i < 0 || double.IsNaN(c.ShapeBias)) continue;
                canvas.DrawCircle(X(c.ShapeBias), top + i * row + row / 2f, 5, fill);
            }
            if (!double.IsNaN(observers[o].ShapeBias)) canvas.DrawLine(X(observers[o].ShapeBias), top, X(observers[o].ShapeBias), bottom, line);
            canvas.DrawCircle(X(1) + 30, legend, 5, fill);
            canvas.DrawText($"{observers[o].Name} {(double.IsNaN(observers[o].ShapeBias) ? "-" : $"{100 * observers[o].ShapeBias:0.0}%")}", X(1) + 46, legend + 4, SKTextAlign.Left, font, ink);
            legend += 20;
        }
        return bitmap;
    }

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
