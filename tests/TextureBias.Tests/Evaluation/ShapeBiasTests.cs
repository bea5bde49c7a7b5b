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
    [Fact]
    public void FigureMarksEachObserverCategoryAndTheReferences()
    {
        var trials = new List<ShapeBiasTrial>
        {
            new("cat1-dog1.png", "cat", "dog", "cat"), new("cat2-dog1.png", "cat", "dog", "dog"),
            new("dog1-cat1.png", "dog", "cat", "dog"),
        };
        var result = ShapeBias.Compute("model", trials);
        using var figure = TextureBias.Reports.ShapeBiasFigure.Render(new[] { result });
        Assert.Equal(100 + 420 + 260, figure.Width);
        // cat: 1 shape of 2 -> 0.5; its row (index 7) has a red marker at x = 100 + 0.5 * 420.
        var marker = figure.GetPixel(100 + 210, 60 + 7 * 26 + 13);
        Assert.True(marker.Red > 150 && marker.Blue < 100, $"marker is {marker}");
        // The human reference (0.959) is a dashed grey line somewhere in the column.
        int x0 = 100 + (int)Math.Round(0.959 * 420);
        int grey = Enumerable.Range(60, 16 * 26).Count(y => Enumerable.Range(x0 - 2, 4).Any(x =>
        {
            var p = figure.GetPixel(x, y);
            return p.Red < 200 && p.Red == p.Green && p.Green == p.Blue;
        }));
        Assert.True(grey > 50);
    }
}
