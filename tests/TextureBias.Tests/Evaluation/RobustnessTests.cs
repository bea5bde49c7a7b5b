using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Observers;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

public class RobustnessTests : TempDirTest
{
    static readonly Preprocessing Shown = new(0, 0);

    /// <summary>Random 24-px images in <paramref name="classes"/> folders under <paramref name="name"/>; returns the root.</summary>
    string Folder(string name, IEnumerable<string> classes, int perClass = 3, int seed = 4)
    {
        return TestImages.RandomFolder(Path.Combine(_dir, name), classes, perClass, 24, seed, (c, i) => $"{c}{i}.png");
    }

    static BagNet ImageNetModel(int seed)
    {
        manual_seed(seed);
        var model = BagNet.BagNet9(1000, width: 4);
        model.eval();
        return model;
    }

    /// <summary>What a model decides on one image distorted at one level, computed here step by step.</summary>
    static float[] Logits(ImageClassifier model, string path, IDistortion d, DistortionLevel level, NoiseSource noise)
    {
        var shown = d.Apply(FloatImage.FromRgb(ImageDecoder.Decode(path)), level, noise).ToRgb();
        using var _ = NewDisposeScope();
        using (no_grad()) return model.forward(Shown.Apply(shown).unsqueeze(0)).data<float>().ToArray();
    }

    [Fact]
    public void SeveralModelsAreScoredIn16ClassesOnTheSameDistortedImages()
    {
        var root = Folder("sixteen", new[] { "cat", "dog", "truck" });
        using var a = ImageNetModel(5);
        using var b = ImageNetModel(6);
        var models = new[] { new RobustnessModel("a", a, Shown), new RobustnessModel("b", b, Shown) };
        var d = DistortionRegistry.Get("uniform-noise");
        var levels = new[] { d.ParseLevel("0.0"), d.ParseLevel("0.6") };
        var cells = Robustness.Evaluate(models, root, Shown, d, levels, new RobustnessOptions { NumpySeed = 7, BatchSize = 4 });
        Assert.Equal(new[] { "0.0", "0.6" }, cells.Select(c => c.Level.Condition));
        var folder = ImageFolder.Open(new[] { root });
        foreach (var cell in cells)
        {
            Assert.Equal(new[] { "a", "b" }, cell.Points.Select(p => p.Model));
            foreach (var (model, point) in new[] { (a, cell.Points[0]), (b, cell.Points[1]) })
            {
                int correct = 0;
                foreach (var (path, label) in folder.Samples)
                {
                    var decided = SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(Logits(model, path, d, cell.Level, NoiseSource.Numpy(7)))];
                    var trial = Assert.Single(cell.Trials, t => t.Subject == point.Model && t.Image == Path.GetFileName(path));
                    Assert.Equal(folder.Classes[label], trial.Category);
                    Assert.Equal(decided, trial.Response);
                    Assert.Equal(cell.Level.Condition, trial.Condition);
                    if (decided == folder.Classes[label]) correct++;
                }
                Assert.Equal(9, point.Images);
                Assert.Equal((double)correct / 9, point.SixteenClass!.Value, 12);
                Assert.Null(point.Top1);
                Assert.Equal(point.SixteenClass, point.Accuracy);
            }
        }
    }

    [Fact]
    public void AnImageNetFolderGetsTop1AndTop5AndSixteenClassWhenAllItsClassesAreInTheSixteen()
    {
        // n02123045 (tabby) is a cat and n04467665 (trailer truck) a truck in the 16-class mapping; n01440764 (tench) is in none.
        var root = Folder("imagenet", new[] { "n02123045", "n04467665" }, perClass: 2);
        using var model = ImageNetModel(8);
        var d = DistortionRegistry.Get("contrast");
        var level = d.ParseLevel("c10");
        var cell = Assert.Single(Robustness.Evaluate(new[] { new RobustnessModel("m", model, Shown) }, root, Shown, d, new[] { level }));
        var point = Assert.Single(cell.Points);
        var folder = ImageFolder.Open(new[] { root });
        int top1 = 0, top5 = 0, sixteen = 0;
        foreach (var (path, label) in folder.Samples)
        {
            var logits = Logits(model, path, d, level, NoiseSource.Fast(0));
            int target = ImageNetClasses.IndexOfWnid(folder.Classes[label])!.Value;
            int rank = logits.Count(l => l > logits[target]);
            if (rank == 0) top1++;
            if (rank < 5) top5++;
            var category = SixteenClassMapping.Categories[SixteenClassMapping.CategoryOfImageNetIndex(target)!.Value];
            var decided = SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(logits)];
            if (decided == category) sixteen++;
            var trial = Assert.Single(cell.Trials, t => t.Image == Path.GetFileName(path));
            Assert.Equal(category, trial.Category);
            Assert.Equal(decided, trial.Response);
        }
        Assert.Equal(top1 / 4.0, point.Top1!.Value, 12);
        Assert.Equal(top5 / 4.0, point.Top5!.Value, 12);
        Assert.Equal(sixteen / 4.0, point.SixteenClass!.Value, 12);

        var other = Folder("other", new[] { "n01440764", "n02123045" }, perClass: 1);
        var plain = Assert.Single(Assert.Single(Robustness.Evaluate(new[] { new RobustnessModel("m", model, Shown) }, other, Shown, d, new[] { level })).Points);
        Assert.Null(plain.SixteenClass);
        Assert.NotNull(plain.Top1);
        Assert.Equal(plain.Top1, plain.Accuracy);
    }

    [Fact]
    public void ANonImageNetModelOnA16ClassFolderIsRefusedByName()
    {
        var root = Folder("sixteen", new[] { "cat" }, perClass: 1);
        manual_seed(1);
        using var model = BagNet.BagNet9(5, width: 4);
        var d = DistortionRegistry.Get("contrast");
        var e = Assert.Throws<TextureBiasException>(() => Robustness.Evaluate(new[] { new RobustnessModel("tiny", model, Shown) }, root, Shown, d, d.Levels));
        Assert.Contains("tiny", e.Message);
        Assert.Contains("1000-class", e.Message);
    }

    [Fact]
    public void AResultsFolderResumesFinishedLevelsAndRefusesAnotherRun()
    {
        var root = Folder("sixteen", new[] { "cat", "dog" }, perClass: 2);
        using var model = ImageNetModel(9);
        var models = new[] { new RobustnessModel("m", model, Shown) };
        var d = DistortionRegistry.Get("low-pass");
        var levels = new[] { d.ParseLevel("0"), d.ParseLevel("3") };
        var options = new RobustnessOptions { BatchSize = 3 };
        var store = RobustnessStore.Open(Path.Combine(_dir, "out"), models, root, Shown, options);
        var first = Robustness.Evaluate(models, root, Shown, d, levels, options, store);
        var json = Path.Combine(_dir, "out", "low-pass", "3.json");
        Assert.True(File.Exists(json));
        Assert.Equal(first[1].Trials, RawData.Read(Path.Combine(_dir, "out", "low-pass", "3.csv")).Select(t => t with { Session = "1" }));
        // A finished level is read back, not computed again: an edited accuracy comes back as edited.
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"images\": 4", "\"images\": 12345"));
        File.Delete(Path.Combine(_dir, "out", "low-pass", "0.json")); // as if killed before level 0 was finished
        var again = Robustness.Evaluate(models, root, Shown, d, levels, options, RobustnessStore.Open(Path.Combine(_dir, "out"), models, root, Shown, options));
        Assert.Equal(12345, again[1].Points[0].Images);
        Assert.Equal(4, again[0].Points[0].Images);
        Assert.Equal(first[0].Points[0].SixteenClass, again[0].Points[0].SixteenClass);
        Assert.Equal(first[1].Trials.Count, again[1].Trials.Count);
        // Another run in the same folder is refused, naming what differs.
        var e = Assert.Throws<TextureBiasException>(() => RobustnessStore.Open(Path.Combine(_dir, "out"), models, root, Shown, options with { NumpySeed = 3 }));
        Assert.Contains("noise", e.Message);
        var renamed = new[] { new RobustnessModel("n", model, Shown) };
        Assert.Contains("models m vs n", Assert.Throws<TextureBiasException>(() => RobustnessStore.Open(Path.Combine(_dir, "out"), renamed, root, Shown, options)).Message);
    }

    sealed class Doubling : IDistortion
    {
        public string Name => "doubling";
        public IReadOnlyList<DistortionLevel> Levels { get; } = [new DistortionLevel(1, "x2")];
        public bool IsRandom => false;
        public DistortionLevel ParseLevel(string text) => Levels[0];
        public FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
        {
            // Twice the size, the input in the middle and black around it.
            var output = new FloatImage(image.Width * 2, image.Height * 2, 3);
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    for (int c = 0; c < 3; c++)
                        output.Values[((y + image.Height / 2) * output.Width + x + image.Width / 2) * 3 + c] = image.Values[(y * image.Width + x) * image.Channels + c];
            return output;
        }
    }

    [Fact]
    public void ALargerDistortedImageIsCentreCroppedBackToTheShownSize()
    {
        var root = Folder("sixteen", new[] { "cat", "dog" }, perClass: 2);
        using var model = ImageNetModel(10);
        var d = new Doubling();
        var cell = Assert.Single(Robustness.Evaluate(new[] { new RobustnessModel("m", model, Shown) }, root, Shown, d, d.Levels));
        foreach (var (path, _) in ImageFolder.Open(new[] { root }).Samples)
        {
            // The centre crop of the doubled image is the image itself.
            var logits = Logits(model, path, new DistortionRegistryIdentity(), d.Levels[0], NoiseSource.Fast(0));
            var decided = SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(logits)];
            Assert.Equal(decided, Assert.Single(cell.Trials, t => t.Image == Path.GetFileName(path)).Response);
        }
    }

    sealed class DistortionRegistryIdentity : IDistortion
    {
        public string Name => "identity";
        public IReadOnlyList<DistortionLevel> Levels { get; } = [new DistortionLevel(0, "0")];
        public bool IsRandom => false;
        public DistortionLevel ParseLevel(string text) => Levels[0];
        public FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise) => image;
    }
}
