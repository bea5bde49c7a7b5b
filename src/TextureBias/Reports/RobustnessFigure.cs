using SkiaSharp;

namespace TextureBias.Reports;

/// <summary>
/// Accuracy against distortion level, models beside the human observers, as in the robustness figures of Geirhos et al.
/// (2018, 2019): one panel per distortion (up to four per row: eight panels make a 4×2 grid), y from 0 to 100 % with grid
/// lines, the humans in red with diamond markers over a light red band from the lowest to the highest subject, each model
/// in its own colour with circle markers, chance as a dashed grey line, one legend for all panels below them. A series keeps
/// its colour and marker in every panel: colours are given by name in order of first appearance over all panels. Tick
/// labels that would overlap are drawn at 45°; long titles, axis labels and level names are shrunk or shortened to fit.
/// </summary>
public static class RobustnessFigure
{
    private static readonly SKColor HumanColour = new(0xa5, 0x1e, 0x37);

    // Distinct from the humans' red and from the grey of chance; beyond ten models the colours repeat with other markers.
    private static readonly SKColor[] Palette =
    [
        new(0x33, 0x5c, 0xa8), new(0x2e, 0x8b, 0x57), new(0xe0, 0x8a, 0x00), new(0x6a, 0x3d, 0x9a), new(0x00, 0x8b, 0x8b),
        new(0x8c, 0x51, 0x0a), new(0x10, 0x10, 0x10), new(0x17, 0xbe, 0xcf), new(0xbc, 0xbd, 0x22), new(0xe3, 0x77, 0xc2),
    ];

    private static readonly SKColor Grid = new(0xe0, 0xe0, 0xe0), ChanceGrey = new(0x90, 0x90, 0x90);

    private enum Marker { Circle, Diamond, Square, Triangle }

    private static readonly Marker[] ModelMarkers = [Marker.Circle, Marker.Square, Marker.Triangle];

    private sealed record Style(SKColor Colour, Marker Marker, bool Human, bool Band);

    private const int Margin = 16, PlotHeight = 200, MinPlotWidth = 240, MinLevelSpacing = 22, PanelTitleHeight = 28,
        XLabelHeight = 22, RowGap = 12, FigureTitleHeight = 34, LegendRow = 22, MaxLabelWidth = 150, MaxLegendName = 1200;
    private const float TickSize = 11, LabelSize = 12, PanelTitleSize = 13, TitleSize = 16, Cos45 = 0.70710678f;

    /// <summary>
    /// Renders one panel, or a grid of panels (up to four per row, rows filled evenly), with one shared legend and an
    /// optional <paramref name="title"/> on top.
    /// </summary>
    /// <exception cref="ArgumentException">No panels, or a series whose values do not match its panel's levels.</exception>
    public static SKBitmap Render(IReadOnlyList<RobustnessPanel> panels, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(panels);
        Validate(panels);
        var styles = Styles(panels);
        int rows = (panels.Count + 3) / 4, cols = (panels.Count + rows - 1) / rows;
        int plotWidth = Math.Max(MinPlotWidth, panels.Max(p => p.Levels.Count) * MinLevelSpacing);
        var ticks = panels.Select(p => TickLabels.Of(p.Levels, plotWidth)).ToList();

        using var tickFont = Fonts.Font(TickSize);
        using var labelFont = Fonts.Font(LabelSize);
        float yTickWidth = tickFont.MeasureText("100%");
        int left = Math.Max((int)Math.Ceiling(yTickWidth + 14 + LabelSize * 1.25f + 6), (int)Math.Ceiling(ticks.Max(t => t.LeftOverhang)) - Margin + 4);
        int cellWidth = left + plotWidth + Math.Max(18, (int)Math.Ceiling(ticks.Max(t => t.RightOverhang)) + 8);
        int tickHeight = (int)Math.Ceiling(ticks.Max(t => t.Height));
        int cellHeight = PanelTitleHeight + PlotHeight + tickHeight + XLabelHeight + RowGap;

        using var titleFont = Fonts.Font(TitleSize);
        var legend = Legend(panels, styles, labelFont);
        int gridWidth = 2 * Margin + cols * cellWidth;
        int width = Math.Max(gridWidth, (int)Math.Ceiling(legend.Max(e => e.Width)) + 2 * Margin);
        if (title != null) width = Math.Max(width, Math.Min((int)Math.Ceiling(titleFont.MeasureText(title)) + 2 * Margin, 2 * gridWidth));
        var legendRows = Flow(legend, width - 2 * Margin);
        int gridTop = Margin + (title != null ? FigureTitleHeight : 0);
        int height = gridTop + rows * cellHeight + legendRows.Count * LegendRow + Margin;

        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var ink = Bitmaps.Ink();
        if (title != null)
            canvas.DrawText(Fit(title, titleFont, width - 2 * Margin), Margin, Margin + 18, SKTextAlign.Left, titleFont, ink);
        int gridLeft = (width - cols * cellWidth) / 2;
        for (int i = 0; i < panels.Count; i++)
        {
            var origin = new SKPoint(gridLeft + i % cols * cellWidth, gridTop + i / cols * cellHeight);
            DrawPanel(canvas, panels[i], ticks[i], styles, origin, left, plotWidth, cellWidth);
        }
        DrawLegend(canvas, legendRows, labelFont, ink, width, gridTop + rows * cellHeight);
        return bitmap;
    }

    /// <summary>Renders and writes the figure as a PNG, atomically.</summary>
    /// <exception cref="ArgumentException">As <see cref="Render"/>.</exception>
    public static void Save(string path, IReadOnlyList<RobustnessPanel> panels, string? title = null)
    {
        using var bitmap = Render(panels, title);
        Bitmaps.SavePng(path, bitmap);
    }

    private static void Validate(IReadOnlyList<RobustnessPanel> panels)
    {
        if (panels.Count == 0) throw new ArgumentException("a robustness figure needs at least one panel", nameof(panels));
        foreach (var p in panels)
            foreach (var s in p.Series)
            {
                void Check(IReadOnlyList<double>? values, string what)
                {
                    if (values != null && values.Count != p.Levels.Count)
                        throw new ArgumentException($"panel '{p.Title}': series '{s.Name}' has {values.Count} {what} values for {p.Levels.Count} levels", nameof(panels));
                }
                Check(s.Accuracy, "accuracy");
                Check(s.Low, "low");
                Check(s.High, "high");
            }
    }

    /// <summary>A colour and marker per series name, in order of first appearance: the first human series in red with diamonds.</summary>
    private static Dictionary<string, Style> Styles(IReadOnlyList<RobustnessPanel> panels)
    {
        var styles = new Dictionary<string, Style>(StringComparer.Ordinal);
        int models = 0;
        bool red = false;
        foreach (var s in panels.SelectMany(p => p.Series))
        {
            if (styles.ContainsKey(s.Name)) continue;
            bool band = panels.SelectMany(p => p.Series).Any(o => o.Name == s.Name && o.Low != null && o.High != null);
            if (s.Human && !red) { styles[s.Name] = new Style(HumanColour, Marker.Diamond, true, band); red = true; continue; }
            var marker = s.Human ? Marker.Diamond : ModelMarkers[models / Palette.Length % ModelMarkers.Length];
            styles[s.Name] = new Style(Palette[models % Palette.Length], marker, s.Human, band);
            models++;
        }
        return styles;
    }

    private static void DrawPanel(SKCanvas canvas, RobustnessPanel panel, TickLabels ticks, Dictionary<string, Style> styles,
        SKPoint origin, int left, int plotWidth, int cellWidth)
    {
        float plotLeft = origin.X + left, plotTop = origin.Y + PanelTitleHeight, plotBottom = plotTop + PlotHeight, plotRight = plotLeft + plotWidth;
        int n = panel.Levels.Count;
        float X(int i) => plotLeft + (i + 0.5f) * plotWidth / n;
        float Y(double p) => plotBottom - (float)(Math.Clamp(p, 0, 1) * PlotHeight);
        using var ink = Bitmaps.Ink();
        using var titleFont = Fonts.Font(PanelTitleSize);
        using var tickFont = Fonts.Font(TickSize);
        using var labelFont = Fonts.Font(LabelSize);
        using var grid = new SKPaint { Color = Grid, StrokeWidth = 1 };

        DrawFitted(canvas, panel.Title, PanelTitleSize, cellWidth - 8, plotLeft + plotWidth / 2f, origin.Y + 18, ink);
        for (int t = 0; t <= 100; t += 20)
        {
            canvas.DrawLine(plotLeft, Y(t / 100.0), plotRight, Y(t / 100.0), grid);
            canvas.DrawText($"{t}%", plotLeft - 7, Y(t / 100.0) + 4, SKTextAlign.Right, tickFont, ink);
        }
        canvas.Save();
        canvas.Translate(plotLeft - tickFont.MeasureText("100%") - 14, plotTop + PlotHeight / 2f);
        canvas.RotateDegrees(-90);
        DrawFitted(canvas, panel.YLabel, LabelSize, PlotHeight, 0, 0, ink);
        canvas.Restore();

        // Human bands under everything else, then chance, then the lines and markers (humans on top).
        foreach (var s in panel.Series.Where(s => s.Low != null && s.High != null))
            DrawBand(canvas, s, styles[s.Name].Colour, X, Y);
        if (double.IsFinite(panel.Chance))
        {
            using var chance = new SKPaint { Color = ChanceGrey, StrokeWidth = 1.5f, IsAntialias = true, PathEffect = SKPathEffect.CreateDash([5, 4], 0) };
            canvas.DrawLine(plotLeft, Y(panel.Chance), plotRight, Y(panel.Chance), chance);
        }
        using (var axis = new SKPaint { Color = ink.Color, StrokeWidth = 1 })
        {
            canvas.DrawLine(plotLeft, plotTop, plotLeft, plotBottom, axis);
            canvas.DrawLine(plotLeft, plotBottom, plotRight, plotBottom, axis);
            for (int i = 0; i < n; i++) canvas.DrawLine(X(i), plotBottom, X(i), plotBottom + 4, axis);
        }
        foreach (var s in panel.Series.OrderBy(s => styles[s.Name].Human))
            DrawSeries(canvas, s.Accuracy, styles[s.Name], X, Y);

        ticks.Draw(canvas, X, plotBottom + 6, ink);
        DrawFitted(canvas, panel.XLabel, LabelSize, cellWidth - 8, plotLeft + plotWidth / 2f, plotBottom + 6 + ticks.Height + 14, ink);
    }

    private static void DrawBand(SKCanvas canvas, RobustnessSeries s, SKColor colour, Func<int, float> x, Func<double, float> y)
    {
        using var fill = new SKPaint { Color = colour.WithAlpha(0x40), IsAntialias = true, Style = SKPaintStyle.Fill };
        using var bar = new SKPaint { Color = colour.WithAlpha(0x40), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 6 };
        var present = Enumerable.Range(0, s.Accuracy.Count).Where(i => double.IsFinite(s.Low![i]) && double.IsFinite(s.High![i])).ToList();
        // Runs of adjacent levels with a range make one polygon each; a lone level makes a short bar.
        for (int start = 0; start < present.Count;)
        {
            int end = start;
            while (end + 1 < present.Count && present[end + 1] == present[end] + 1) end++;
            if (end == start)
                canvas.DrawLine(x(present[start]), y(s.Low![present[start]]), x(present[start]), y(s.High![present[start]]), bar);
            else
            {
                var run = present.GetRange(start, end - start + 1);
                Poly(canvas, fill, run.Select(i => new SKPoint(x(i), y(s.High![i]))).Concat(run.AsEnumerable().Reverse().Select(i => new SKPoint(x(i), y(s.Low![i])))), close: true);
            }
            start = end + 1;
        }
    }

    private static void DrawSeries(SKCanvas canvas, IReadOnlyList<double> values, Style style, Func<int, float> x, Func<double, float> y)
    {
        using var line = new SKPaint { Color = style.Colour, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeJoin = SKStrokeJoin.Round };
        using var dot = new SKPaint { Color = style.Colour, IsAntialias = true, Style = SKPaintStyle.Fill };
        var points = Enumerable.Range(0, values.Count).Where(i => double.IsFinite(values[i])).Select(i => new SKPoint(x(i), y(values[i]))).ToList();
        if (points.Count > 1) Poly(canvas, line, points, close: false);
        foreach (var p in points) DrawMarker(canvas, style.Marker, p.X, p.Y, dot);
    }

    private static void DrawMarker(SKCanvas canvas, Marker marker, float x, float y, SKPaint paint)
    {
        switch (marker)
        {
            case Marker.Circle:
                canvas.DrawCircle(x, y, 4.5f, paint);
                break;
            case Marker.Square:
                canvas.DrawRect(x - 4, y - 4, 8, 8, paint);
                break;
            case Marker.Diamond:
                Poly(canvas, paint, [new(x, y - 6.5f), new(x + 5, y), new(x, y + 6.5f), new(x - 5, y)], close: true);
                break;
            default:
                Poly(canvas, paint, [new(x, y - 6), new(x + 5.5f, y + 4), new(x - 5.5f, y + 4)], close: true);
                break;
        }
    }

    private static void Poly(SKCanvas canvas, SKPaint paint, IEnumerable<SKPoint> points, bool close)
    {
        using var builder = new SKPathBuilder();
        builder.AddPoly(points.ToArray(), close);
        using var path = builder.Detach();
        canvas.DrawPath(path, paint);
    }

    private sealed record LegendEntry(string Name, Style? Style, float Width);

    private static List<LegendEntry> Legend(IReadOnlyList<RobustnessPanel> panels, Dictionary<string, Style> styles, SKFont font)
    {
        var entries = styles.Select(kv => Entry(kv.Key, kv.Value)).ToList();
        if (panels.Any(p => double.IsFinite(p.Chance))) entries.Add(Entry("chance", null));
        return entries;
        LegendEntry Entry(string name, Style? style)
        {
            var shown = Fit(name, font, MaxLegendName);
            return new LegendEntry(shown, style, 34 + font.MeasureText(shown) + 22);
        }
    }

    /// <summary>The entries laid out left to right in rows no wider than <paramref name="width"/>.</summary>
    private static List<List<LegendEntry>> Flow(List<LegendEntry> entries, int width)
    {
        var rows = new List<List<LegendEntry>>();
        float used = 0;
        foreach (var e in entries)
        {
            if (rows.Count == 0 || used + e.Width > width) { rows.Add([]); used = 0; }
            rows[^1].Add(e);
            used += e.Width;
        }
        return rows;
    }

    private static void DrawLegend(SKCanvas canvas, List<List<LegendEntry>> rows, SKFont font, SKPaint ink, int width, float top)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            float x = (width - rows[r].Sum(e => e.Width)) / 2, y = top + r * LegendRow + LegendRow / 2f;
            foreach (var e in rows[r])
            {
                if (e.Style is { } style)
                {
                    if (style.Band)
                    {
                        using var band = new SKPaint { Color = style.Colour.WithAlpha(0x40), Style = SKPaintStyle.Fill };
                        canvas.DrawRect(x, y - 7, 28, 14, band);
                    }
                    using var line = new SKPaint { Color = style.Colour, StrokeWidth = 2, IsAntialias = true };
                    using var dot = new SKPaint { Color = style.Colour, IsAntialias = true, Style = SKPaintStyle.Fill };
                    canvas.DrawLine(x, y, x + 28, y, line);
                    DrawMarker(canvas, style.Marker, x + 14, y, dot);
                }
                else
                {
                    using var chance = new SKPaint { Color = ChanceGrey, StrokeWidth = 1.5f, IsAntialias = true, PathEffect = SKPathEffect.CreateDash([5, 4], 0) };
                    canvas.DrawLine(x, y, x + 28, y, chance);
                }
                canvas.DrawText(e.Name, x + 34, y + 4, SKTextAlign.Left, font, ink);
                x += e.Width;
            }
        }
    }

    /// <summary>Draws <paramref name="text"/> centred at (x, y), shrunk (down to 8 px) and then shortened to fit <paramref name="maxWidth"/>.</summary>
    private static void DrawFitted(SKCanvas canvas, string text, float size, float maxWidth, float x, float y, SKPaint ink)
    {
        using var font = Fonts.Font(size);
        float w = font.MeasureText(text);
        if (w > maxWidth) font.Size = Math.Max(8, size * maxWidth / w);
        canvas.DrawText(Fit(text, font, maxWidth), x, y, SKTextAlign.Center, font, ink);
    }

    /// <summary><paramref name="text"/>, or its longest beginning that fits <paramref name="maxWidth"/> with an ellipsis.</summary>
    private static string Fit(string text, SKFont font, float maxWidth)
    {
        if (font.MeasureText(text) <= maxWidth) return text;
        int lo = 0, hi = text.Length;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (font.MeasureText(text[..mid] + "…") <= maxWidth) lo = mid; else hi = mid - 1;
        }
        return text[..lo] + "…";
    }

    /// <summary>The x tick labels of one panel: horizontal when they fit between their neighbours, else at 45°.</summary>
    private sealed class TickLabels
    {
        private readonly string[] _labels;
        private readonly float _size;
        public bool Rotated { get; }
        public float Height { get; }
        public float LeftOverhang { get; }
        public float RightOverhang { get; }

        private TickLabels(string[] labels, float size, bool rotated, float height, float leftOverhang, float rightOverhang)
        {
            (_labels, _size, Rotated, Height, LeftOverhang, RightOverhang) = (labels, size, rotated, height, leftOverhang, rightOverhang);
        }

        public static TickLabels Of(IReadOnlyList<string> levels, int plotWidth)
        {
            int n = levels.Count;
            if (n == 0) return new TickLabels([], TickSize, false, TickSize * 1.3f, 0, 0);
            float spacing = plotWidth / (float)n;
            using var font = Fonts.Font(TickSize);
            var labels = levels.Select(l => Fit(l, font, MaxLabelWidth)).ToArray();
            var widths = labels.Select(l => font.MeasureText(l)).ToArray();
            bool fits = Enumerable.Range(0, n - 1).All(i => (widths[i] + widths[i + 1]) / 2 + 6 <= spacing);
            if (fits)
            {
                float leftOver = Enumerable.Range(0, n).Max(i => widths[i] / 2 - (i + 0.5f) * spacing);
                float rightOver = Enumerable.Range(0, n).Max(i => widths[i] / 2 - (n - i - 0.5f) * spacing);
                return new TickLabels(labels, TickSize, false, TickSize * 1.3f + 4, leftOver, rightOver);
            }
            // At 45° neighbours are spacing·cos45 apart across the text: shrink the font if a line is taller than that.
            float size = Math.Max(6, Math.Min(TickSize, spacing * Cos45 / 1.25f));
            font.Size = size;
            widths = labels.Select(l => font.MeasureText(l)).ToArray();
            float height = (widths.Max() + size) * Cos45 + 6;
            float leftOverhang = Enumerable.Range(0, n).Max(i => (widths[i] + size) * Cos45 - (i + 0.5f) * spacing);
            return new TickLabels(labels, size, true, height, leftOverhang, size);
        }

        public void Draw(SKCanvas canvas, Func<int, float> x, float top, SKPaint ink)
        {
            using var font = Fonts.Font(_size);
            for (int i = 0; i < _labels.Length; i++)
            {
                if (!Rotated)
                {
                    canvas.DrawText(_labels[i], x(i), top + _size, SKTextAlign.Center, font, ink);
                    continue;
                }
                // Right-aligned at the tick, rising to the right: the text's end sits just below its tick.
                canvas.Save();
                canvas.Translate(x(i) + _size * 0.3f, top + _size * 0.55f);
                canvas.RotateDegrees(-45);
                canvas.DrawText(_labels[i], 0, 0, SKTextAlign.Right, font, ink);
                canvas.Restore();
            }
        }
    }
}
