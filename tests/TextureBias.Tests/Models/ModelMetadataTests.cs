using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Tests.Training;
using TextureBias.Training;
using Xunit;

namespace TextureBias.Tests.Models;

/// <summary>A checkpoint written by training records how its network is used, and reading it gives that back.</summary>
public class ModelMetadataTests : TempDirTest
{
    [Fact]
    public void TrainingCheckpointRecordsClassesSizeArchitectureAndPreprocessing()
    {
        var train = ColourFolders.Make(Path.Combine(_dir, "train"), 2, 1);
        var run = Path.Combine(_dir, "run");
        Trainer.Run("bagnet9", new[] { train }, null, run, ColourFolders.Tiny with { ImageSize = 20, Width = 4, Blocks = new[] { 1, 2, 1, 1 } });

        foreach (var file in new[] { Trainer.CheckpointFile, Trainer.BestFile })
        {
            using var checkpoint = WeightFile.Read(Path.Combine(run, file));
            // pytorch/examples' keys are all still there.
            Assert.Equal(1L, checkpoint.Metadata["epoch"]);
            Assert.Equal("bagnet9", checkpoint.Metadata["arch"]);
            Assert.True(checkpoint.Metadata.ContainsKey("best_acc1"));
            Assert.NotEmpty(checkpoint.StateDict);

            var m = checkpoint.ModelMetadata;
            Assert.Equal(ColourFolders.Classes, m.Classes);
            Assert.Equal(20, m.ImageSize);
            Assert.Equal(4, m.Width);
            Assert.Equal(new[] { 1, 2, 1, 1 }, m.Blocks);
            Assert.Equal(Trainer.EvalPreprocessing(20), m.Evaluation);
            Assert.Equal((22, 20), (m.Evaluation!.Resize, m.Evaluation.Crop));
            Assert.Equal(Preprocessing.ImageNetMean, m.Evaluation.Mean);
            Assert.Equal(Preprocessing.ImageNetStd, m.Evaluation.Std);
        }

        // Loading the network brings its metadata along; ReadMetadata reads it alone.
        using var model = ModelWeights.LoadClassifier(null, Path.Combine(run, Trainer.CheckpointFile));
        Assert.Equal(ColourFolders.Classes, model.Metadata.Classes);
        Assert.Equal(ModelWeights.ReadMetadata(Path.Combine(run, Trainer.CheckpointFile)), model.Metadata with { });
        Assert.Equal("red", model.ClassName(2));
        Assert.Equal(2, model.ParseClass("red"));
        Assert.Equal(1, model.ParseClass("Green"));
        Assert.Equal(0, model.ParseClass("0"));
        Assert.Contains("not one of the network's classes (blue, green, red)", Assert.Throws<TextureBiasException>(() => model.ParseClass("purple")).Message);
        Assert.Throws<TextureBiasException>(() => model.ParseClass("n02123045")); // a WNID means nothing to this network
        Assert.Equal(new Preprocessing(22, 20), model.Metadata.EvaluationOr(Preprocessing.ImageNetEval));
        Assert.Equal(new Preprocessing(0, 20), model.Metadata.EvaluationOr(Preprocessing.ImageNetEval, resize: 0));

        // A plain state_dict records nothing: ImageNet names and the given fallback.
        var plain = Path.Combine(_dir, "plain.pth");
        ModelWeights.Save(model, plain);
        using var bare = ModelWeights.LoadClassifier(null, plain);
        Assert.True(bare.Metadata.IsEmpty);
        Assert.Equal("class 2", bare.ClassName(2));
        Assert.Equal(Preprocessing.ImageNetEval, bare.Metadata.EvaluationOr(Preprocessing.ImageNetEval));
    }

    [Fact]
    public void MetadataRoundTripsThroughThePickleWriterWithOtherNormalisation()
    {
        var metadata = new ModelMetadata
        {
            Classes = new[] { "arrow", "n02123045", "zebra stripes" }, ImageSize = 64, Width = 8, Blocks = new[] { 2, 2, 2, 2 },
            Evaluation = new Preprocessing(73, 64) { Mean = new[] { 0.5f, 0.25f, 0.125f }, Std = new[] { 0.2f, 0.3f, 0.4f } },
        };
        using var model = Architectures.Create("resnet18", 3, 8);
        model.Metadata = metadata;
        var path = Path.Combine(_dir, "c.pth.tar");
        ModelWeights.SaveCheckpoint(model, path);

        var back = ModelWeights.ReadMetadata(path);
        Assert.Equal(metadata.Classes, back.Classes);
        Assert.Equal(metadata.ImageSize, back.ImageSize);
        Assert.Equal(metadata.Width, back.Width);
        Assert.Equal(metadata.Blocks, back.Blocks);
        Assert.Equal(metadata.Evaluation, back.Evaluation);
        Assert.NotEqual(new Preprocessing(73, 64), back.Evaluation); // the normalisation came back too
        Assert.Equal("tabby, tabby cat", back.NameOf(1, 3)); // a WNID is shown by its name
        Assert.Equal("n02123045", back.WnidOf(1, 3));
        Assert.Null(back.WnidOf(0, 3));
        Assert.Equal(2, back.ParseClass("zebra stripes", 3));
        using (var checkpoint = WeightFile.Read(path)) Assert.Equal("resnet18", checkpoint.Metadata["arch"]);

        // The recorded normalisation is what the network gets.
        var image = new RgbImage(2, 1, new byte[] { 255, 0, 51, 0, 255, 102 });
        using var input = (back.Evaluation! with { Resize = 0, Crop = 0 }).Apply(image);
        Assert.Equal((1f - 0.5f) / 0.2f, input[0, 0, 0].item<float>(), 5);
        Assert.Equal((102 / 255f - 0.125f) / 0.4f, input[2, 0, 1].item<float>(), 5);
        var loader = new ImageBatchLoader(back.Evaluation with { Resize = 0, Crop = 0 }, 1);
        var png = Path.Combine(_dir, "two.png");
        TestImages.WritePng(png, image);
        foreach (var batch in loader.Batches(new[] { png }))
            using (batch) Assert.Equal((102 / 255f - 0.125f) / 0.4f, batch.Input[0, 2, 0, 1].item<float>(), 5);

        // More names than outputs is a broken file.
        using var small = Architectures.Create("resnet18", 2, 8);
        small.Metadata = new ModelMetadata { Classes = new[] { "a", "b" } };
        ModelWeights.SaveCheckpoint(small, path);
        using (var loaded = ModelWeights.LoadClassifier("resnet18", path)) Assert.Equal("b", loaded.ClassName(1));
        small.Metadata = new ModelMetadata { Classes = new[] { "a", "b", "c" } };
        ModelWeights.SaveCheckpoint(small, path);
        Assert.Contains("names 3 classes but the network has 2 outputs", Assert.Throws<WeightFileException>(() => ModelWeights.LoadClassifier("resnet18", path)).Message);
    }

    [Fact]
    public void FoldersAreMatchedToNamedOutputsByName()
    {
        var some = ColourFolders.Make(Path.Combine(_dir, "some"), 1, 1, new[] { "green", "red" });
        var folder = ImageFolder.Open(new[] { some });
        Assert.Equal(new[] { 1, 2 }, folder.ModelIndices(3, ColourFolders.Classes));
        Assert.Equal(new[] { 0, 1 }, folder.ModelIndices(3)); // by position without names
        Assert.Contains("red is not among the network's classes (green, blue)",
            Assert.Throws<TextureBiasException>(() => folder.ModelIndices(3, new[] { "green", "blue" })).Message);
    }
}
