using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Models;
using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Observers;

public class ClassifiedTrialsTests : TempDirTest
{
    /// <summary>No two images of one condition share a model-vs-human image id: trials stay matchable by image.</summary>
    private static void AssertMatchable(IReadOnlyList<(string Path, string Condition)> images, string[] names)
    {
        Assert.Equal(images.Count, names.Length);
        var ids = images.Select((im, i) => (im.Condition, RawData.ShortImageName(names[i]))).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void ImageNamesKeepFileNamesUnlessTwoImagesOfOneConditionWouldShareAnId()
    {
        // Unique names, and the same image under two conditions (as model-vs-human's stimuli): file names kept.
        List<(string, string)> plain = [("/d/0.5/cat/x.png", "0.5"), ("/d/0.9/cat/x.png", "0.9"), ("/d/0.5/dog/0001_cl_dnn_0.5_dog_40_n02085620_7.png", "0.5")];
        var names = TrialImageNames.For(plain);
        Assert.Equal(["x.png", "x.png", "0001_cl_dnn_0.5_dog_40_n02085620_7.png"], names);
        AssertMatchable(plain, names);

        // The same file name in two folders of one condition: "a_x.png" would still have the id "x.png".
        List<(string, string)> twice = [("/d/a/x.png", "0"), ("/d/b/x.png", "0"), ("/d/c/y.png", "0")];
        names = TrialImageNames.For(twice);
        Assert.Equal(["a-x.png", "b-x.png", "y.png"], names);
        AssertMatchable(twice, names);

        // Different names with the same id ("1.png" after the last "_"), and ImageNet names under two inputs.
        List<(string, string)> ids =
        [
            ("/d/cat_1.png", "0"), ("/d/dog_1.png", "0"),
            ("/data/train/n01440764/n01440764_10026.JPEG", "0"), ("/data/val/n01440764/n01440764_10026.JPEG", "0"),
        ];
        names = TrialImageNames.For(ids);
        Assert.Equal(["cat-1.png", "dog-1.png", "train-n01440764-n01440764-10026.JPEG", "val-n01440764-n01440764-10026.JPEG"], names);
        AssertMatchable(ids, names);

        // A new name that another file already has, and one file listed twice: numbered.
        List<(string, string)> taken = [("/d/a-x.png", "0"), ("/d/a/x.png", "0"), ("/d/b/x.png", "0"), ("/d/z.png", "0"), ("/d/z.png", "0")];
        names = TrialImageNames.For(taken);
        Assert.Equal(["a-x.png", "a-x-2.png", "b-x.png", "z.png", "z-2.png"], names);
        AssertMatchable(taken, names);
    }

    [Fact]
    public void SubjectIsTheRegisteredNameElseTheWeightFileElseTheArchitecture()
    {
        Assert.Equal("resnet50_trained_on_SIN", ClassifiedTrials.SubjectName("resnet50", "resnet50_trained_on_SIN", "resnet50_trained_on_SIN"));
        Assert.Equal("resnet50_sin", ClassifiedTrials.SubjectName("resnet50", "/w/resnet50_sin.pth.tar", null));
        Assert.Equal("model.v2", ClassifiedTrials.SubjectName("resnet50", "/w/model.v2.safetensors", null));
        Assert.Equal("resnet18", ClassifiedTrials.SubjectName("resnet18", null, null));
    }

    private string Image(params string[] parts)
    {
        var path = Path.Combine([_dir, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []); // never read: the trials come from the classifications
        return path;
    }

    private static Classification Classified(string path, ImageClassifier model, float[] logits)
    {
        int best = Array.IndexOf(logits, logits.Max());
        var top = new ClassPrediction(best, model.Metadata.WnidOf(best, model.NumClasses), model.ClassName(best), 0.9f, logits[best]);
        return new Classification(path, [top], logits);
    }

    [Fact]
    public void TrialsOfAnImageNetModelGiveSixteenClassDecisionsWnidsAndClassNames()
    {
        string data = Path.Combine(_dir, "data");
        var files = new[] { Image("data", "cat", "a.png"), Image("data", "0.35", "dog", "b.png"), Image("data", "n01440764", "c.png"), Image("data", "misc", "d.png") };
        string given = Image("elsewhere", "car", "e.png");
        var found = ImageFiles.FindByInput([data, given]);
        Assert.Equal(5, found.Count);
        using var model = BagNet.BagNet9(1000, width: 4);
        var plan = new ClassifiedTrials(model, "bagnet9", found);

        // Every image's logits peak at one ImageNet class: a bear's (16-class "bear") for a.png, class 1 for b.png, ...
        int bear = SixteenClassMapping.IndicesOf(SixteenClassMapping.Categories.ToList().IndexOf("bear"))[0];
        var peaks = new Dictionary<string, int> { ["a.png"] = bear, ["b.png"] = 1, ["c.png"] = 2, ["d.png"] = 3, ["e.png"] = 4 };
        var trials = found.Select(f => plan.Add(Classified(f.File, model, Peak(peaks[Path.GetFileName(f.File)])))).ToList();
        Assert.Equal(trials, plan.Trials);
        Assert.All(trials, t => Assert.Equal("bagnet9", t.Subject));
        var byImage = trials.ToDictionary(t => t.Image);
        Assert.Equal(found.Select(f => Path.GetFileName(f.File)).Order(), byImage.Keys.Order()); // no clash: file names kept

        Assert.Equal(("cat", "0", "bear"), (byImage["a.png"].Category, byImage["a.png"].Condition, byImage["a.png"].Response));
        var dog = byImage["b.png"];
        Assert.Equal(("dog", "0.35"), (dog.Category, dog.Condition));
        Assert.Equal(SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(Peak(1))], dog.Response);
        Assert.Equal(("n01440764", "0", ImageNetClasses.Wnids[2]), (byImage["c.png"].Category, byImage["c.png"].Condition, byImage["c.png"].Response));
        Assert.Equal(("na", "0", ImageNetClasses.Names[3]), (byImage["d.png"].Category, byImage["d.png"].Condition, byImage["d.png"].Response));
        Assert.False(byImage["d.png"].Correct);
        // A file given itself: its folder is its category.
        Assert.Equal(("car", "0"), (byImage["e.png"].Category, byImage["e.png"].Condition));

        Assert.Throws<ArgumentException>(() => plan.Add(Classified(files[0], model, Peak(0)))); // added once, listed once

        static float[] Peak(int index)
        {
            var logits = new float[1000];
            logits[index] = 10;
            return logits;
        }
    }

    [Fact]
    public void AModelThatNamesTheCategoriesAnswersWithItsOwnClasses()
    {
        string data = Path.Combine(_dir, "data");
        Image("data", "dog", "a.png");
        Image("data", "images-in-root.png");
        using var model = BagNet.BagNet9(3, width: 4);
        model.Metadata = new ModelMetadata { Classes = ["cat", "dog", "keyboard"] };
        var found = ImageFiles.FindByInput([data]);
        var plan = new ClassifiedTrials(model, "mine", found);
        var dog = plan.Add(Classified(found.Single(f => f.File.EndsWith("a.png")).File, model, [0.1f, 0.2f, 3f]));
        Assert.Equal(("dog", "keyboard"), (dog.Category, dog.Response));
        Assert.False(dog.Correct);
        var root = plan.Add(Classified(found.Single(f => f.File.EndsWith("root.png")).File, model, [0.1f, 2f, 0f]));
        Assert.Equal(("na", "dog"), (root.Category, root.Response)); // an image directly in a folder not named after a category
    }
}
