using SkiaSharp;
using TextureBias.Evaluation;
using Xunit;

namespace TextureBias.Tests.Evaluation;

public class ShapeBiasTests : TempDirTest
{
    private static float[] Probabilities(params (int Index, float P)[] mass)
    {
        var p = new float[1000];
        float rest = 1 - mass.Sum(m => m.P);
        for (int i = 0; i < 1000; i++) p[i] = rest / 1000;
        foreach (var (i, v) in mass) p[i] += v;
        return p;
    }

    [Fact]
    public void DecisionsUseTheMeanProbabilityOfEachCategory()
    {
        Assert.Equal(16, SixteenClassMapping.Categories.Count);
        Assert.Equal("airplane", SixteenClassMapping.Categories[0]);
        Assert.Equal(new[] { 281, 282, 283, 284, 285, 286 }, SixteenClassMapping.IndicesOf(SixteenClassMapping.Categories.ToList().IndexOf("cat")));
        int Decide(params (int, float)[] mass) => SixteenClassMapping.Decide(Probabilities(mass));
        string Name(int c) => SixteenClassMapping.Categories[c];
        Assert.Equal("knife", Name(Decide((499, 0.3f))));                 // cleaver: the only knife class
        // Mean, not sum: 0.3 spread over the 6 cat classes (0.05 each) loses to 0.1 on the single airplane class.
        Assert.Equal("airplane", Name(Decide((281, 0.05f), (282, 0.05f), (283, 0.05f), (284, 0.05f), (285, 0.05f), (286, 0.05f), (404, 0.1f))));
        // Ties go to the first category in alphabetical order: bear (294) and elephant (385) equal means.
        Assert.Equal("bear", Name(Decide((294, 0.2f), (295, 0.2f), (296, 0.2f), (297, 0.2f), (385, 0.1f), (386, 0.1f))));
        // Classes outside the 16 categories never decide.
        Assert.Equal("dog", Name(Decide((0, 0.9f), (152, 0.05f))));
    }

    [Theory]
    [InlineData("cat7-elephant1.png", "elephant")]
    [InlineData("stimuli/cat/cat10-bottle3.png", "bottle")]
    [InlineData("0001_s5n_s01_0_bird_00_bird3-bird2.png", "bird")]
    public void TextureComesFromTheFileName(string name, string texture) => Assert.Equal(texture, ShapeBias.TextureOf(name));

    [Fact]
    public void ShapeBiasOfARawDataFileExcludesSameCategoryImages()
    {
        // 10 conflict trials: 3 shape, 5 texture, 2 other ("na" counts as other); 2 same-category trials left out.
        var lines = new List<string> { "subj,session,trial,rt,object_response,category,condition,imagename" };
        void Add(string response, string shape, string image) => lines.Add($"subject-01,1,{lines.Count},0.8,{response},{shape},0,0001_s5n_s01_0_{shape}_00_{image}");
        Add("cat", "cat", "cat1-elephant1.png"); Add("cat", "cat", "cat2-bottle1.png"); Add("dog", "dog", "dog1-car2.png");
        Add("elephant", "cat", "cat3-elephant2.png"); Add("bottle", "cat", "cat4-bottle1.png"); Add("car", "dog", "dog2-car1.png");
        Add("car", "dog", "dog3-car3.png"); Add("knife", "dog", "dog4-knife1.png");
        Add("na", "cat", "cat5-bird1.png"); Add("truck", "dog", "dog5-bird2.png");
        Add("cat", "cat", "cat6-cat1.png"); Add("bird", "dog", "dog6-dog2.png");
        var path = Path.Combine(_dir, "subject-01.csv");
        File.WriteAllLines(path, lines);
        var result = ShapeBias.Compute("s1", ShapeBias.ReadRawData(path));
        Assert.Equal((10, 2, 3, 5), (result.Trials, result.Excluded, result.ShapeDecisions, result.TextureDecisions));
        Assert.Equal(3.0 / 8, result.ShapeBias, 12);
        Assert.Equal(0.3, result.ShapeFraction, 12);
        Assert.Equal(new[] { "cat", "dog" }, result.PerCategory.Select(c => c.Name));
        Assert.Equal(2.0 / 4, result.PerCategory[0].ShapeBias, 12); // cat: 2 shape, 2 texture, 1 other

        // Writing and reading back gives the same numbers.
        var copy = Path.Combine(_dir, "copy.csv");
        ShapeBias.WriteRawData(copy, "model", ShapeBias.ReadRawData(path));
        Assert.Equal(result.ShapeBias, ShapeBias.Compute("copy", ShapeBias.ReadRawData(copy)).ShapeBias);
        File.WriteAllText(Path.Combine(_dir, "bad.csv"), "a,b,c\n1,2,3\n");
        Assert.Contains("not a raw-data file", Assert.Throws<TextureBiasException>(() => ShapeBias.ReadRawData(Path.Combine(_dir, "bad.csv"))).Message);
    }
}

public class ShapeBiasFigureTests
{
    private static readonly List<ShapeBiasTrial> Trials = new()
    {
        new("cat1-dog1.png", "cat", "dog", "cat"), new("cat2-dog1.png", "cat", "dog", "dog"),
        new("dog1-cat1.png", "dog", "cat", "dog"),
    };

    private static bool IsRed(SKColor p) => p.Red > 150 && p.Green < 100 && p.Blue < 100;

    /// <summary>
    /// The centre of the leftmost red marker on pixel row y, or NaN: red pixels not in a column
    /// of the observer's overall line (red at the top of the plot, where no marker is), the
    /// first contiguous run of them (the legend's marker is further right).
    /// </summary>
    private static double RedCentre(SKBitmap figure, int y)
    {
        var line = Enumerable.Range(0, figure.Width).Where(x => IsRed(figure.GetPixel(x, 61))).ToHashSet();
        var xs = Enumerable.Range(0, figure.Width).Where(x => IsRed(figure.GetPixel(x, y)) && !line.Contains(x) && !line.Contains(x - 1) && !line.Contains(x + 1)).ToList();
        if (xs.Count == 0) return double.NaN;
        var run = xs.TakeWhile((x, i) => i == 0 || x - xs[i - 1] <= 2).ToList();
        return run.Average();
    }

    [Fact]
    public void FigureMarksEachObserverCategoryAndTheReferences()
    {
        var result = ShapeBias.Compute("model", Trials);
        using var figure = TextureBias.Reports.ShapeBiasFigure.Render(new[] { result });
        // Only the categories present get a row: cat (row 0), dog (row 1), not all 16.
        Assert.True(figure.Height < 60 + 4 * 26 + 70, $"height {figure.Height}");
        // cat: 1 shape of 2 -> 0.5; dog: 1 of 1 -> 1.0 (the red marker sits on the red line of the overall 2/3 elsewhere).
        double half = RedCentre(figure, 60 + 13), one = RedCentre(figure, 60 + 26 + 13);
        Assert.False(double.IsNaN(half) || double.IsNaN(one));
        double scale = 2 * (one - half); // pixels per unit of shape fraction
        Assert.InRange(scale, 300, 600);
        // The human reference (0.959) is a dashed grey line in its column.
        int x0 = (int)Math.Round(half + 0.459 * scale);
        int grey = Enumerable.Range(60, 2 * 26).Count(y => Enumerable.Range(x0 - 2, 5).Any(x =>
        {
            var p = figure.GetPixel(x, y);
            return p.Red < 200 && p.Red == p.Green && p.Green == p.Blue;
        }));
        Assert.True(grey > 10, $"{grey} grey pixels at x {x0}");
    }

    [Fact]
    public void TheLegendIsNeverCut()
    {
        var result = ShapeBias.Compute("model", Trials);
        var observers = Enumerable.Range(0, 12).Select(i => result with { Name = $"observer {i}: {new string('w', 10 * i)}-raw-data.csv" }).ToList();
        using var figure = TextureBias.Reports.ShapeBiasFigure.Render(observers);
        bool Dark(int x, int y) { var p = figure.GetPixel(x, y); return p.Red < 128 && p.Green < 128 && p.Blue < 128; }
        // The longest name ends inside the figure, with a white margin after it.
        Assert.Contains(Enumerable.Range(figure.Width - 60, 44), x => Enumerable.Range(0, figure.Height).Any(y => Dark(x, y)));
        Assert.DoesNotContain(Enumerable.Range(figure.Width - 12, 12), x => Enumerable.Range(0, figure.Height).Any(y => Dark(x, y)));
        // All 2 references and 12 observers fit below each other, though the plot has two rows.
        Assert.True(figure.Height >= 60 + 13 * 20, $"height {figure.Height}");
        Assert.Contains(Enumerable.Range(figure.Height - 40, 30), y => Enumerable.Range(0, figure.Width).Any(x => Dark(x, y)));
    }

    [Fact]
    public void OtherCategoriesGetTheirOwnRowsAndNoPublishedReferences()
    {
        var trials = new List<ShapeBiasTrial> { new("star1-arrow1.png", "star", "arrow", "star"), new("arrow1-star1.png", "arrow", "star", "star") };
        using var figure = TextureBias.Reports.ShapeBiasFigure.Render(new[] { ShapeBias.Compute("net", trials) });
        Assert.True(figure.Height < 60 + 4 * 26 + 70, $"height {figure.Height}");
        // arrow (row 0) was decided by texture (0.0), star (row 1) by shape (1.0).
        Assert.True(RedCentre(figure, 60 + 13) < RedCentre(figure, 60 + 26 + 13));
    }
}
