using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>`texturebias classify --raw-data-out`: one raw-data trial per classified image.</summary>
public class ClassifyRawDataCommandTests : TempDirTest
{
    [Fact]
    public void TrialsAreTheLibrarysDecisionsWithCategoryConditionAndUniqueImageIds()
    {
        string data = Path.Combine(_dir, "data");
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        var images = new (string Path, RgbImage Image)[]
        {
            (Path.Combine(data, "cat", "a.png"), photo),
            (Path.Combine(data, "elephant", "a.png"), Preprocessing.CropRegion(photo, 100, 50, 200, 160)), // same name, same condition
            (Path.Combine(data, "0.5", "dog", "b.png"), Preprocessing.CropRegion(photo, 0, 0, 120, 90)),
            (Path.Combine(data, "n02123045", "n02123045_1.png"), Preprocessing.CropRegion(photo, 50, 30, 150, 150)),
            (Path.Combine(data, "holiday", "c.png"), Preprocessing.CropRegion(photo, 20, 20, 100, 100)),
        };
        foreach (var (path, image) in images)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TestImages.WritePng(path, image);
        }
        File.WriteAllText(Path.Combine(data, "cat", "notes.png"), "not a picture");
        string weights = Path.Combine(_dir, "resnet18-random.safetensors");
        using var model = Architectures.Create("resnet18");
        ModelWeights.Save(model, weights);

        var csv = Path.Combine(_dir, "out", "trials.csv");
        var r = CliRunner.Run("classify", "--arch", "resnet18", "--weights", weights, "--resize", "64", "--crop", "56", "--raw-data-out", csv, data);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(1, r.ExitCode); // one file skipped: the trials are written all the same
        Assert.Contains("skipped", r.Stderr);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(csv)!).Where(f => f != csv)); // no temporary file left
        var trials = RawData.Read(csv);
        Assert.Equal(images.Length, trials.Count);
        Assert.StartsWith(RawData.Header + "\n", File.ReadAllText(csv));

        // The library's classifications of the same images (same batch size: kernels may round differently for another).
        var classified = new Classifier(model, new Preprocessing(64, 56), batchSize: 32).Classify(images.Select(i => i.Path).Order(StringComparer.Ordinal).ToList(), 1)
            .ToDictionary(c => Path.GetRelativePath(data, c.Path).Replace(Path.DirectorySeparatorChar, '/'));
        var byImage = trials.ToDictionary(t => t.Image);
        Assert.All(trials, t => Assert.Equal("resnet18-random", t.Subject));
        Assert.Equal(trials.Count, trials.Select(t => (t.Condition, t.ImageId)).Distinct().Count());
        string Decision(string relative) => SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(classified[relative].Logits)];

        var cat = byImage["cat-a.png"];
        Assert.Equal(("cat", "0", Decision("cat/a.png")), (cat.Category, cat.Condition, cat.Response));
        var elephant = byImage["elephant-a.png"];
        Assert.Equal(("elephant", "0", Decision("elephant/a.png")), (elephant.Category, elephant.Condition, elephant.Response));
        var dog = byImage["b.png"];
        Assert.Equal(("dog", "0.5", Decision("0.5/dog/b.png")), (dog.Category, dog.Condition, dog.Response));
        var wnid = byImage["n02123045_1.png"];
        Assert.Equal(("n02123045", "0", classified["n02123045/n02123045_1.png"].Top[0].Wnid), (wnid.Category, wnid.Condition, wnid.Response));
        var other = byImage["c.png"];
        Assert.Equal(("na", "0", classified["holiday/c.png"].Top[0].Name), (other.Category, other.Condition, other.Response));
    }

    [Fact]
    public void WithoutWeightsTheSubjectIsTheArchitecture()
    {
        string image = Path.Combine(_dir, "knife", "x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        TestImages.WritePng(image, Preprocessing.CropRegion(ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png")), 0, 0, 80, 80));
        var csv = Path.Combine(_dir, "t.csv");
        var r = CliRunner.Run("classify", "--arch", "resnet18", "--resize", "64", "--crop", "56", "--raw-data-out", csv, image);
        Assert.Equal(0, r.ExitCode);
        var trial = Assert.Single(RawData.Read(csv));
        Assert.Equal(("resnet18", "knife", "0", "x.png"), (trial.Subject, trial.Category, trial.Condition, trial.Image));
        Assert.Contains(trial.Response, SixteenClassMapping.Categories);
    }
}
