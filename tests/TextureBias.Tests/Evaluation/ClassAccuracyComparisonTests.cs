using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

public class ClassAccuracyComparisonTests : TempDirTest
{
    static readonly string[] Names = Enumerable.Range(0, 8).Select(i => $"c{i}").ToArray();

    /// <summary>A BagNet whose logits are its classifier bias alone: output i gets logit i whatever the image, so its ranking is known.</summary>
    internal static BagNet ConstantModel(IReadOnlyList<string> outputNames)
    {
        manual_seed(4);
        var model = BagNet.BagNet9(outputNames.Count, width: 4);
        using (no_grad())
        {
            var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            parameters["fc.weight"].zero_();
            using var ramp = arange(outputNames.Count, dtype: ScalarType.Float32);
            parameters["fc.bias"].copy_(ramp);
        }
        model.Metadata = new ModelMetadata { Classes = outputNames.ToArray() };
        model.eval();
        return model;
    }

    /// <summary>Classes c0…c7 with 1 + i % 3 images each, and one image outside any class folder.</summary>
    internal static string MakeFolder(string root)
    {
        var rng = new Random(3);
        for (int c = 0; c < Names.Length; c++)
            for (int i = 0; i < 1 + c % 3; i++)
            {
                var px = new byte[20 * 20 * 3];
                rng.NextBytes(px);
                TestImages.WritePng(Path.Combine(root, Names[c], $"{i}.png"), new RgbImage(20, 20, px));
            }
        var stray = new byte[20 * 20 * 3];
        rng.NextBytes(stray);
        TestImages.WritePng(Path.Combine(root, "stray.png"), new RgbImage(20, 20, stray));
        return root;
    }

    [Fact]
    public void PerClassAccuracyOfModelsWithKnownRankingsIsExact()
    {
        var root = MakeFolder(Path.Combine(_dir, "data"));
        // A: output i is class c i, logit i: c7 first, top 5 = c3…c7. B: output i is class c(7−i): c0 first, top 5 = c0…c4.
        using var a = ConstantModel(Names);
        using var b = ConstantModel(Names.Reverse().ToArray());
        var folder = ImageFolder.Open([root]);
        var files = ImageFiles.Find([root]);
        var result = LogitCorrelation.Compare(a, b, files, new Preprocessing(0, 0), folder: folder);
        Assert.Equal(files.Count, result.Images);
        var per = result.PerClass!;
        Assert.Equal(Names, per.Classes.Select(c => c.Class));
        Assert.Equal(Enumerable.Range(0, 8).Select(c => 1 + c % 3), per.Classes.Select(c => c.Images));
        Assert.Equal(per.Classes.Sum(c => c.Images), per.Images);
        Assert.Equal(Enumerable.Range(0, 8), per.Classes.Select(c => c.IndexA));
        Assert.Equal(Enumerable.Range(0, 8).Select(c => 7 - c), per.Classes.Select(c => c.IndexB));
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 0, 0, 1.0 }, per.Classes.Select(c => c.Top1A));
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1, 1, 1.0 }, per.Classes.Select(c => c.Top5A));
        Assert.Equal(new[] { 1.0, 0, 0, 0, 0, 0, 0, 0 }, per.Classes.Select(c => c.Top1B));
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 0, 0, 0.0 }, per.Classes.Select(c => c.Top5B));
        // By hand: top-1 vectors e7 and e0 over 8 classes: cov −8/64, variances 56/64: r = −1/7; top-5: cov −72/64, variances 120/64: r = −0.6.
        Assert.Equal(-1.0 / 7, per.Top1R, 6);
        Assert.Equal(-0.6, per.Top5R, 6);
        int images = per.Images;
        Assert.Equal((double)per.Classes[7].Images / images, per.Top1A, 9);
        Assert.Equal((double)per.Classes[0].Images / images, per.Top1B, 9);
        Assert.Equal((double)per.Classes.Skip(3).Sum(c => c.Images) / images, per.Top5A, 9);
    }

    [Fact]
    public void PerClassAccuracyAgreesWithTheEvaluatorForRandomNetworks()
    {
        var root = MakeFolder(Path.Combine(_dir, "data"));
        manual_seed(11);
        using var a = BagNet.BagNet9(8, width: 4);
        using var b = BagNet.BagNet9(8, width: 4);
        a.Metadata = new ModelMetadata { Classes = Names };
        b.Metadata = new ModelMetadata { Classes = Names };
        var folder = ImageFolder.Open([root]);
        var result = LogitCorrelation.Compare(a, b, ImageFiles.Find([root]), new Preprocessing(0, 0), folder: folder);
        var evalA = Evaluator.Run(a, folder, new Preprocessing(0, 0));
        var evalB = Evaluator.Run(b, folder, new Preprocessing(0, 0));
        var per = result.PerClass!;
        for (int c = 0; c < 8; c++)
        {
            Assert.Equal(evalA.PerClass[c].Top1, per.Classes[c].Top1A, 9);
            Assert.Equal(evalA.PerClass[c].Top5, per.Classes[c].Top5A, 9);
            Assert.Equal(evalB.PerClass[c].Top1, per.Classes[c].Top1B, 9);
            Assert.Equal(evalB.PerClass[c].Top5, per.Classes[c].Top5B, 9);
        }
        Assert.Equal(evalA.Top1 / 100, per.Top1A, 9);
        Assert.Equal(evalB.Top5 / 100, per.Top5B, 9);
    }

    [Fact]
    public void NoPerClassAccuracyWhenTheModelsDoNotKnowTheClasses()
    {
        var root = MakeFolder(Path.Combine(_dir, "data"));
        using var a = ConstantModel(Names);
        using var b = BagNet.BagNet9(8, width: 4); // no class names, not 1000 outputs
        var folder = ImageFolder.Open([root]);
        Assert.Null(folder.KnownModelIndices(b.NumClasses, b.Metadata.Classes));
        Assert.Null(LogitCorrelation.Compare(a, b, ImageFiles.Find([root]), new Preprocessing(0, 0), folder: folder).PerClass);
    }

    [Fact]
    public void EmptyClassesAreNaNAndLeftOutOfTheCorrelation()
    {
        var result = LogitCorrelation.PerClassAccuracy(["x", "y", "z", "w"], [0, 1, 2, 3], [0, 1, 2, 3],
            images: [2, 4, 0, 5], top1A: [1, 1, 0, 5], top5A: [2, 4, 0, 5], top1B: [0, 2, 0, 5], top5B: [1, 4, 0, 4]);
        Assert.True(double.IsNaN(result.Classes[2].Top1A));
        Assert.Equal(0.25, result.Classes[1].Top1A);
        // top-1: A = (.5, .25, 1), B = (0, .5, 1): by hand r = 0.6546537 (the empty class z left out).
        double[] x = [0.5, 0.25, 1], y = [0, 0.5, 1];
        double mx = x.Average(), my = y.Average();
        double r = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
        Assert.Equal(r, result.Top1R, 6);
        Assert.Equal(7.0 / 11, result.Top1A, 9);
        Assert.Equal(11, result.Images);
        Assert.StartsWith("class,index_a,index_b,images,top1_a,top5_a,top1_b,top5_b\nx,0,0,2,0.5,1,0,0.5\n", result.Csv());
        Assert.Contains("\nz,2,2,0,NaN,NaN,NaN,NaN\n", result.Csv());
    }
}
