using SkiaSharp;
using TextureBias.Reports;
using Xunit;

namespace TextureBias.Tests.Reports;

public class RobustnessFigureTests : TempDirTest
{
    private static readonly SKColor HumanRed = new(0xa5, 0x1e, 0x37);
    private static readonly string[] FiveLevels = ["0", "1", "2", "3", "4"];

    private static RobustnessSeries Model(string name, params double[] accuracy) => new(name, accuracy);

    private static RobustnessPanel Panel(string title, params RobustnessSeries[] series) =>
        new(title, "level", FiveLevels, series, "16-class accuracy", 1 / 16.0);

    private static List<RobustnessPanel> Panels(int n) =>
        Enumerable.Range(0, n).Select(i => Panel($"distortion {i}", Model("model", 0.9, 0.7, 0.5, 0.3, 0.1))).ToList();

    /// <summary>A colour, not a grey: the figures' text, axes, grid and chance line are all grey.</summary>
    private static bool Saturated(SKColor c) => Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 60;

    private static bool Near(SKColor c, SKColor target, int tolerance) =>
        Math.Abs(c.Red - target.Red) <= tolerance && Math.Abs(c.Green - target.Green) <= tolerance && Math.Abs(c.Blue - target.Blue) <= tolerance;

    private static IEnumerable<(int X, int Y, SKColor C)> Pixels(SKBitmap b, int x0, int x1, int y0, int y1)
    {
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                yield return (x, y, b.GetPixel(x, y));
    }

    /// <summary>The most frequent saturated colour in a region (the solid inside of markers and lines, not their antialiased edges).</summary>
    private static SKColor Dominant(SKBitmap b, int x0, int x1, int y0, int y1) =>
        Pixels(b, x0, x1, y0, y1).Where(p => Saturated(p.C)).GroupBy(p => p.C).OrderByDescending(g => g.Count()).First().Key;

    [Fact]
    public void NoPanelsOrValuesThatDoNotMatchTheLevelsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => RobustnessFigure.Render([]));
        var ex = Assert.Throws<ArgumentException>(() => RobustnessFigure.Render([Panel("contrast", Model("vgg", 0.5, 0.4))]));
        Assert.Contains("vgg", ex.Message);
        Assert.Contains("contrast", ex.Message);
        Assert.Throws<ArgumentException>(() => RobustnessFigure.Render(
            [Panel("contrast", new RobustnessSeries("humans", [0.9, 0.8, 0.7, 0.6, 0.5], true, [0.8, 0.7], [1, 0.9]))]));
    }

    [Fact]
    public void PanelsFillRowsOfAtMostFour()
    {
        using var one = RobustnessFigure.Render(Panels(1));
        using var four = RobustnessFigure.Render(Panels(4));
        using var five = RobustnessFigure.Render(Panels(5));
        using var eight = RobustnessFigure.Render(Panels(8));
        Assert.True(four.Width > 3 * one.Width, $"four panels in a row are {four.Width} px wide, one is {one.Width}");
        Assert.Equal(one.Height, four.Height);
        Assert.Equal(four.Width, eight.Width); // 4×2
        Assert.True(eight.Height - four.Height > 0.7 * four.Height, $"eight panels are {eight.Height} px high, four {four.Height}");
        // Five panels make two rows of three and two, not four and one.
        Assert.Equal(eight.Height, five.Height);
        Assert.True(five.Width < four.Width - one.Width / 2 && five.Width > 2.5 * one.Width, $"five panels are {five.Width} px wide");
    }

    [Fact]
    public void HumansAreRedOverALightBandAndModelsAreNot()
    {
        double[] mean = [0.95, 0.8, 0.6, 0.4, 0.2];
        var humans = new RobustnessSeries("participants (avg.)", mean, true, mean.Select(v => v - 0.15).ToArray(), mean.Select(v => v + 0.04).ToArray());
        using var withHumans = RobustnessFigure.Render([Panel("noise", humans, Model("ResNet-50", 0.9, 0.5, 0.3, 0.1, 0.05))]);
        using var modelsOnly = RobustnessFigure.Render([Panel("noise", Model("ResNet-50", 0.9, 0.5, 0.3, 0.1, 0.05))]);
        int Count(SKBitmap b, SKColor c, int tolerance) => Pixels(b, 0, b.Width, 0, b.Height).Count(p => Near(p.C, c, tolerance));
        Assert.True(Count(withHumans, HumanRed, 6) > 100, "the human line and diamonds are not drawn in red");
        // The band: the humans' red at a quarter opacity over white.
        var band = new SKColor(233, 199, 205);
        Assert.True(Count(withHumans, band, 8) > 500, "no light red band between the lowest and highest subject");
        Assert.Equal(0, Count(modelsOnly, HumanRed, 30));
        Assert.Equal(0, Count(modelsOnly, band, 8));
    }

    [Fact]
    public void ASeriesKeepsItsColourInEveryPanel()
    {
        // "B" is the second series of the first panel and the only one of the second: colouring by position in the panel
        // would give it the first colour there. A at 5 % stays out of the top of the figure, B at 95 % is there in both panels.
        using var figure = RobustnessFigure.Render(
        [
            Panel("first", Model("A", 0.05, 0.05, 0.05, 0.05, 0.05), Model("B", 0.95, 0.95, 0.95, 0.95, 0.95)),
            Panel("second", Model("B", 0.95, 0.95, 0.95, 0.95, 0.95)),
        ]);
        int half = figure.Width / 2, top = figure.Height / 3;
        var left = Dominant(figure, 0, half, 0, top);
        var right = Dominant(figure, half, figure.Width, 0, top);
        Assert.Equal(left, right);
        using var aAlone = RobustnessFigure.Render([Panel("only", Model("A", 0.95, 0.95, 0.95, 0.95, 0.95))]);
        Assert.NotEqual(Dominant(aAlone, 0, aAlone.Width, 0, aAlone.Height / 3), right);
    }

    /// <summary>The row of the x axis: the row with the most dark pixels (the grid lines are light grey, the text short).</summary>
    private static int XAxis(SKBitmap figure) =>
        Enumerable.Range(0, figure.Height).MaxBy(y => Enumerable.Range(0, figure.Width).Count(x => figure.GetPixel(x, y) is var c && c.Red < 80 && c.Green < 80 && c.Blue < 80));

    /// <summary>Runs of columns in the plot (down to just below the x axis, above the legend) with a marker's height of colour: one per marker.</summary>
    private static int Markers(params double[] accuracy)
    {
        using var figure = RobustnessFigure.Render([Panel("p", Model("m", accuracy))]);
        int top = XAxis(figure) + 7, runs = 0;
        bool inRun = false;
        for (int x = 0; x < figure.Width; x++)
        {
            bool tall = Enumerable.Range(0, top).Count(y => Saturated(figure.GetPixel(x, y))) >= 6;
            if (tall && !inRun) runs++;
            inRun = tall;
        }
        return runs;
    }

    /// <summary>The leftmost and rightmost column with colour in the plot, and whether every column between has some.</summary>
    private static (int From, int To, bool Continuous) Extent(params double[] accuracy)
    {
        using var figure = RobustnessFigure.Render([Panel("p", Model("m", accuracy))]);
        int bottom = XAxis(figure) + 7;
        var columns = Enumerable.Range(0, figure.Width).Where(x => Enumerable.Range(0, bottom).Any(y => Saturated(figure.GetPixel(x, y)))).ToList();
        if (columns.Count == 0) return (-1, -1, true);
        return (columns[0], columns[^1], columns.Count == columns[^1] - columns[0] + 1);
    }

    [Fact]
    public void NaNLevelsHaveNoMarkerAndTheLineJoinsTheLevelsAround()
    {
        double n = double.NaN;
        Assert.Equal(5, Markers(0.9, 0.9, 0.9, 0.9, 0.9));
        Assert.Equal(5, Markers(0.9, 0.7, 0.5, 0.2, 0)); // a marker at 0 is inside the region counted
        Assert.Equal(2, Markers(0.9, n, n, n, 0.9));
        Assert.Equal(3, Markers(0.9, n, 0.9, double.PositiveInfinity, 0.9));
        Assert.Equal((-1, -1, true), Extent(n, n, n, n, n));
        var lone = Extent(n, n, 0.9, n, n);
        Assert.True(lone.To - lone.From <= 12, $"a lone value spans columns {lone.From}–{lone.To}: a line was drawn to a missing level");
        var joined = Extent(0.9, n, n, n, 0.9);
        Assert.True(joined.Continuous && joined.To - joined.From > 150, $"the line across missing levels spans {joined}");
    }

    [Fact]
    public void LongNamesWidenTheLegendAndLongLevelListsFit()
    {
        string name = "ResNet-50 trained on Stylized-ImageNet and ImageNet, then fine-tuned on ImageNet (Geirhos et al. 2019, Table 2)";
        string[] reach = ["0-0-0", "128-3-10", "64-3-10", "32-3-10", "16-3-10", "8-3-10", "4-3-10", "2-3-10"];
        var panel = new RobustnessPanel("eidolon I", "log2 of reach", reach, [Model(name, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2)], "16-class accuracy");
        using var figure = RobustnessFigure.Render([panel]);
        using var font = Fonts.Font(12);
        Assert.True(figure.Width >= font.MeasureText(name) + 32, $"the figure ({figure.Width} px) is narrower than the legend entry");
        // The eight tick labels do not fit side by side under one panel: they are turned, which makes the panel taller.
        var shortLevels = panel with { Levels = ["a", "b", "c", "d", "e", "f", "g", "h"] };
        using var plain = RobustnessFigure.Render([shortLevels]);
        Assert.True(figure.Height > plain.Height + 20, $"{figure.Height} px with long level names, {plain.Height} px with short ones");
    }

    [Fact]
    public void SaveWritesThePngAtomically()
    {
        var path = Path.Combine(_dir, "robustness.png");
        File.WriteAllText(path, "an older figure");
        var panels = Panels(2);
        RobustnessFigure.Save(path, panels, "title");
        using var rendered = RobustnessFigure.Render(panels, "title");
        using var saved = SKBitmap.Decode(path);
        Assert.Equal((rendered.Width, rendered.Height), (saved.Width, saved.Height));
        Assert.Equal(["robustness.png"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }
}
