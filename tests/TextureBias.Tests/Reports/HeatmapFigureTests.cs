using SkiaSharp;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using TextureBias.Reports;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Reports;

public class HeatmapFigureTests
{
    private static RgbImage Photo() => Preprocessing.CropRegion(ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png")), 100, 40, 90, 60);

    /// <summary>
    /// A small image whose object touches the right border: the edge overlay outlines the object
    /// there too (the reference's 5-pixel margin at half size would blank 20 of 64 pixels).
    /// </summary>
    [Fact]
    public void EdgeOverlayOutlinesAnObjectAtTheBorderOfASmallImage()
    {
        using var scope = NewDisposeScope();
        var image = new RgbImage(64, 64);
        Array.Fill(image.Pixels, (byte)230);
        for (int y = 20; y < 44; y++)
        for (int x = 36; x < 64; x++)
            for (int c = 0; c < 3; c++) image.Pixels[(y * 64 + x) * 3 + c] = 20; // a dark block reaching the right edge
        using var figure = HeatmapFigure.Render(image, zeros(1, 64, 64), new[] { "nothing" }, "caption");
        float scale = 360f / 64;
        int panelLeft = 16 + 360 + 16, top = 16 + 30;
        int OverlayPixels(int x0, int x1, int y0, int y1)
        {
            int n = 0;
            for (int y = (int)(y0 * scale); y < (int)(y1 * scale); y++)
            for (int x = (int)(x0 * scale); x < (int)(x1 * scale); x++)
            {
                var p = figure.GetPixel(panelLeft + x, top + y);
                if (p.Red < 200 && Math.Abs(p.Red - p.Blue) < 10) n++; // grey on the white (zero) map
            }
            return n;
        }
        Assert.True(OverlayPixels(56, 63, 17, 23) > 0, "the block's top edge near the right border has no outline");
        Assert.True(OverlayPixels(33, 39, 24, 40) > 0, "the block's left edge has no outline");
        Assert.Equal(0, OverlayPixels(4, 28, 4, 60)); // nothing where the image is plain
    }

    [Fact]
    public void FigureHasOnePanelPerClassBesideTheImageAndItsLabelsHaveInk()
    {
        using var scope = NewDisposeScope();
        var image = Photo();
        // Class 0: positive on the left half, negative on the right; class 1: zero but one hot pixel.
        var maps = zeros(2, image.Height, image.Width);
        maps[0].narrow(1, 0, 45).fill_(2.0f);
        maps[0].narrow(1, 45, 45).fill_(-2.0f);
        maps[1][10, 10] = tensor(5.0f);
        using var one = HeatmapFigure.Render(image, maps.narrow(0, 0, 1), new[] { "one" }, "caption");
        using var two = HeatmapFigure.Render(image, maps, new[] { "positive left", "a hot pixel" }, "caption");
        Assert.True(two.Width > one.Width + 300, "a second class adds a panel");
        Assert.Equal(one.Height, two.Height);

        // Panel 1 (after the image): red on the left, blue on the right.
        float scale = 360f / 90;
        int panelLeft = 16 + (int)(90 * scale) + 16, top = 16 + 30;
        var left = two.GetPixel(panelLeft + 20, top + 100);
        var right = two.GetPixel(panelLeft + (int)(90 * scale) - 20, top + 100);
        Assert.True(left.Red > left.Blue + 50, $"left is {left}, not red");
        Assert.True(right.Blue > right.Red + 50, $"right is {right}, not blue");

        // The title row above the first heatmap has dark (text) pixels: the bundled font renders.
        int ink = 0;
        for (int y = 16; y < top - 2; y++)
        for (int x = panelLeft; x < panelLeft + 120; x++)
            if (two.GetPixel(x, y).Red < 100) ink++;
        Assert.True(ink > 30, $"only {ink} dark pixels in the title");
    }

    [Fact]
    public void PercentileMatchesNumpy()
    {
        // numpy.percentile(abs([-4, 1, 2, 3, nan]), 99) over the non-NaN values = 3.97
        var values = new[] { -4f, 1f, 2f, 3f, float.NaN };
        Assert.Equal(3.97, HeatmapFigure.AbsPercentile(values, 99), 5);
    }

    [Fact]
    public void StrideEightMapsAreShownAroundThePatchCentres()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = BagNet.BagNet9(4, width: 4);
        var image = Photo();
        using var evidence = ClassEvidence.Compute(model, image, new Preprocessing(0, 0), new[] { 2 }, stride: 8);
        Assert.Equal(new long[] { 1, (60 - 9) / 8 + 1, (90 - 9) / 8 + 1 }, evidence.Maps.shape);
        using var grid = evidence.OnPixelGrid();
        Assert.Equal(new long[] { 1, 60, 90 }, grid.shape);
        // Patch (1,2) is centred on pixel (8+4, 16+4).
        Assert.Equal(evidence.Maps[0, 1, 2].item<float>(), grid[0, 12, 20].item<float>());
        Assert.True(float.IsNaN(grid[0, 59, 89].item<float>()));
    }
}
