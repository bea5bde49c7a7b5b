using System.Text.Json;
using System.Text.RegularExpressions;
using TextureBias.Demo;
using TextureBias.Evaluation;
using Xunit;

namespace TextureBias.Tests.Demo;

public class TextureShapeDemoTests : TempDirTest
{
    /// <summary>The demo's stages at a size the test suite can afford: tiny world, tiny networks, two epochs.</summary>
    public static DemoOptions Tiny { get; } = DemoOptions.Quick with
    {
        Name = "tiny", ImageSize = 32, TrainPerClass = 4, TestPerClass = 7, Epochs = 2, Batch = 16, LearningRateSteps = new[] { 1 }, Width = 4, BagNetWidth = 4,
    };

    [Fact]
    public void RunsEndToEndStopsCleanlyAndReusesFinishedStages()
    {
        string run = Path.Combine(_dir, "run");
        // Stop while the second network trains, as Ctrl-C would.
        using (var cancel = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => TextureShapeDemo.Run(run, Tiny, p =>
            {
                if (p.Stage.StartsWith("train ResNet-18 · stylized", StringComparison.Ordinal) && p.Done > 0) cancel.Cancel();
            }, cancel: cancel.Token));
        }
        string first = Path.Combine(run, "results", "resnet18-natural.json");
        Assert.True(File.Exists(first));
        Assert.False(File.Exists(Path.Combine(run, "report.html")));
        var firstWritten = File.GetLastWriteTimeUtc(first);

        var stages = new List<DemoProgress>();
        var result = TextureShapeDemo.Run(run, Tiny, p => { lock (stages) stages.Add(p); });
        Assert.Equal(firstWritten, File.GetLastWriteTimeUtc(first)); // reused, not redone
        Assert.Contains(stages, p => p.Stage == "world: natural-train" && p.Detail == "reused");
        Assert.Contains(stages, p => p.Stage == "train ResNet-18 · natural" && p.Detail == "reused");
        Assert.Contains(stages, p => p.Stage == "train BagNet-9 · stylized" && p.Detail != "reused");
        Assert.Equal(4, result.Models.Count);
        var metrics = File.ReadAllLines(Path.Combine(run, "models", "resnet18-stylized", "metrics.csv"));
        Assert.Equal(1 + Tiny.Epochs, metrics.Length); // the interrupted run continued, not restarted or repeated

        foreach (var m in result.Models)
        {
            foreach (var v in new[] { m.NaturalTop1, m.StylizedTop1, m.SilhouetteTop1, m.ScrambledTop1 }) Assert.InRange(v, 0, 100);
            Assert.InRange(m.ShapeFraction + m.TextureFraction, 0, 1 + 1e-9);
            // The numbers are those of the raw-data file the shape-bias command reads.
            var trials = ShapeBias.ReadRawData(Path.Combine(run, "results", m.Name + "-raw-data.csv"));
            Assert.Equal(8 * 7, trials.Count);
            var fromFile = ShapeBias.Compute(m.Label, trials);
            Assert.Equal(fromFile.ShapeFraction, m.ShapeFraction, 9);
            Assert.True(double.IsNaN(m.ShapeBias) ? double.IsNaN(fromFile.ShapeBias) : Math.Abs(fromFile.ShapeBias - m.ShapeBias) < 1e-9);
        }

        // The table and the report hold a row of numbers per network and say whether the findings were reproduced.
        var rows = result.Table.Split('\n').Skip(2).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.True(Regex.Matches(r, @"\d+\.\d%").Count >= 6, r));
        string html = File.ReadAllText(result.Report);
        Assert.Equal(4, Regex.Matches(html, "<tr><td>").Count);
        Assert.Matches(@"<td>\d+\.\d%</td>", html);
        Assert.Contains(result.Findings.Reproduced ? "This run reproduced the papers' findings." : "This run did not reproduce all of the papers' findings.", html);
        foreach (var s in result.Findings.Statements) Assert.Contains(System.Net.WebUtility.HtmlEncode(s), html);
        Assert.True(Regex.Matches(html, "data:image/png;base64,").Count >= 1 + 1 + 4 + 2); // world, shape bias, heatmaps, patches
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "results.json")));
        Assert.Equal(4, json.RootElement.GetProperty("models").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(run, "figures", "shape-bias.png")));

        // Other settings never mix with this run; neither does a folder that is not a demo's.
        var ex = Assert.Throws<TextureBiasException>(() => TextureShapeDemo.Run(run, Tiny with { Epochs = 3 }));
        Assert.Contains("other settings", ex.Message);
        string foreign = Path.Combine(_dir, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");
        Assert.Throws<TextureBiasException>(() => TextureShapeDemo.Run(foreign, Tiny));
    }

    private static DemoModelResult Model(string arch, string set, double shapeBias, double stylizedTop1) =>
        new($"{arch}-{set}", arch + " · " + set, arch, set, 90, 90, stylizedTop1, 50, 50, shapeBias / 2, (1 - shapeBias) / 2, shapeBias, new Dictionary<string, double>(), 1);

    [Fact]
    public void FindingsAreJudgedFromTheNumbers()
    {
        var good = TextureShapeDemo.Judge(new[]
        {
            Model("resnet18", "natural", 0.1, 20), Model("resnet18", "stylized", 0.9, 80), Model("bagnet9", "natural", 0.05, 15), Model("bagnet9", "stylized", 0.7, 30),
        });
        Assert.True(good.Reproduced);
        Assert.All(good.Statements, s => Assert.StartsWith("Reproduced: ", s));

        var bad = TextureShapeDemo.Judge(new[]
        {
            Model("resnet18", "natural", 0.55, 20), Model("resnet18", "stylized", 0.5, 80), Model("bagnet9", "natural", 0.05, 15), Model("bagnet9", "stylized", 0.7, 75),
        });
        Assert.False(bad.NaturalTextureBiased);
        Assert.False(bad.StylizedResNetShapeBiased);
        Assert.False(bad.BagNetStrugglesOnStylized);
        Assert.False(bad.Reproduced);
        Assert.All(bad.Statements, s => Assert.StartsWith("Not reproduced: ", s));
        Assert.Contains("55.0%", bad.Statements[0]);
    }
}

public class TextureShapeDemoAdaInTests : TempDirTest
{
    [Fact]
    public void WithAdaInWeightsTheStylizedSetIsMadeFromTheNaturalOne()
    {
        string vgg = Path.Combine(_dir, "vgg.pth"), dec = Path.Combine(_dir, "decoder.pth");
        using (var encoder = new TextureBias.Style.VggEncoder()) TextureBias.Models.Serialization.ModelWeights.Save(encoder, vgg, legacy: true);
        using (var decoder = new TextureBias.Style.AdaInDecoder()) TextureBias.Models.Serialization.ModelWeights.Save(decoder, dec, legacy: true);
        var options = TextureShapeDemoTests.Tiny with { Vgg = vgg, Decoder = dec, TrainPerClass = 2 };
        string world = Path.Combine(_dir, "world");
        TextureShapeDemo.MakeWorld(world, options);
        var natural = TextureBias.Data.ImageFolder.Open(new[] { Path.Combine(world, "natural-train") });
        var stylized = TextureBias.Data.ImageFolder.Open(new[] { Path.Combine(world, "stylized-train") });
        Assert.Equal(natural.Classes, stylized.Classes);
        Assert.Equal(natural.Samples.Select(s => s.Label), stylized.Samples.Select(s => s.Label));
        Assert.All(stylized.Samples, s => Assert.Contains("-stylized-", Path.GetFileName(s.Path)));
        var image = TextureBias.Imaging.ImageDecoder.Decode(stylized.Samples[0].Path);
        Assert.Equal((32, 32), (image.Width, image.Height));
        Assert.False(Directory.Exists(Path.Combine(world, "stylized-train.partial")));
        Assert.Throws<TextureBiasException>(() => TextureShapeDemo.MakeWorld(Path.Combine(_dir, "w2"), options with { Decoder = null }));
    }
}
