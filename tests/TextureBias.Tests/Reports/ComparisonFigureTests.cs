using SkiaSharp;
using TextureBias.Comparison;
using TextureBias.Evaluation;
using TextureBias.Reports;
using Xunit;

namespace TextureBias.Tests.Reports;

public class ComparisonFigureTests
{
    static bool Saturated(SKColor c) => Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 40;

    static bool ColourNear(SKBitmap b, int x, int y, int radius = 2)
    {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
                if (Saturated(b.GetPixel(x + dx, y + dy))) return true;
        return false;
    }

    [Fact]
    public void ScatterDotsSitAtEachClasssAccuracies()
    {
        // Layout of ClassAccuracyScatter: panels 300 px square from x = 70 (top-5) and x = 460 (top-1), y = 60 to 360.
        var comparison = new ClassAccuracyComparison(
        [
            new ClassAccuracyPair("a", 0, 0, 10, Top1A: 0.2, Top5A: 1.0, Top1B: 0.6, Top5B: 0.0),
            new ClassAccuracyPair("b", 1, 1, 0, double.NaN, double.NaN, double.NaN, double.NaN),
        ], double.NaN, double.NaN, 10, 0.2, 1, 0.6, 0);
        using var bitmap = ClassAccuracyScatter.Render(comparison, "bagnet33", "vgg16");
        Assert.True(ColourNear(bitmap, 70 + 300, 60 + 300)); // top-5: (100%, 0%)
        Assert.True(ColourNear(bitmap, 460 + 60, 60 + 300 - 180)); // top-1: (20%, 60%)
        Assert.False(ColourNear(bitmap, 70 + 150, 60 + 150, 6)); // nothing where no class is (the empty class is not drawn)
    }

    [Fact]
    public void TheInteractionPlotHasALineForEachModel()
    {
        InteractionResult Result(double r) => new(1, 0,
            [new InteractionBin(0, 8, 10, 10, r, 0.2, 1), new InteractionBin(8, null, 10, 10, 1, 0, 1)], []);
        using var bitmap = InteractionPlot.Render("Interactions", "caption", [("bagnet33", Result(0.5)), ("vgg16", Result(0.9))]);
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (Saturated(c) && c.Alpha == 255) colours.Add(c);
            }
        Assert.Contains(new SKColor(0xa5, 0x1e, 0x37), colours);
        Assert.Contains(new SKColor(0x33, 0x5c, 0xa8), colours);
    }
}
