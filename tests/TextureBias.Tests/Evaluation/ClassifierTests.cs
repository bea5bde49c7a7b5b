using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

public class ClassifierTests : TempDirTest
{
    private List<string> MakeImages(int count, int width, int height, int seed)
    {
        var rng = new Random(seed);
        var paths = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var bytes = new byte[width * height * 3];
            rng.NextBytes(bytes);
            var path = Path.Combine(_dir, $"img{seed}-{i:D3}.png");
            TestImages.WritePng(path, new RgbImage(width, height, bytes));
            paths.Add(path);
        }
        return paths;
    }

    [Fact]
    public void LoaderGivesThePreprocessedImagesInOrderAndSkipsBadOnes()
    {
        var good = MakeImages(5, 40, 30, 1);
        var bad = Path.Combine(_dir, "bad.png");
        File.WriteAllText(bad, "not an image");
        var other = MakeImages(2, 20, 20, 2); // another size: a batch of its own without resize/crop
        var paths = good.Take(3).Append(bad).Concat(good.Skip(3)).Concat(other).ToList();
        var failures = new List<ImageFailure>();
        var pre = new Preprocessing(0, 0);
        var loader = new ImageBatchLoader(pre, batchSize: 2, workers: 2);
        var seen = new List<string>();
        foreach (var batch in loader.Batches(paths, failures.Add))
        {
            using (batch)
            {
                Assert.True(batch.Paths.Count <= 2);
                for (int i = 0; i < batch.Paths.Count; i++)
                {
                    using var expected = pre.Load(batch.Paths[i]);
                    Assert.True(expected.eq(batch.Input[i]).all().item<bool>(), "loader differs from Preprocessing.Apply");
                    seen.Add(batch.Paths[i]);
                }
            }
        }
        Assert.Equal(paths.Where(p => p != bad), seen);
        var failure = Assert.Single(failures);
        Assert.Equal(bad, failure.Path);
        Assert.Contains("not an image", failure.Reason);
    }

    [Fact]
    public void ClassifierAgreesWithTheModelAndMemoryStaysFlat()
    {
        var paths = MakeImages(12, 48, 48, 3);
        using var model = BagNet.BagNet17(10, width: 4);
        var classifier = new Classifier(model, new Preprocessing(0, 0), batchSize: 4);
        long? liveAfterFirst = null;
        for (int round = 0; round < 3; round++)
        {
            var results = classifier.Classify(paths, top: 3).ToList();
            Assert.Equal(paths, results.Select(r => r.Path));
            if (round == 0)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var input = stack(paths.Select(p => new Preprocessing(0, 0).Load(p)).ToList());
                var logits = model.forward(input);
                for (int i = 0; i < paths.Count; i++)
                {
                    var expected = logits[i].data<float>().ToArray();
                    Assert.Equal(expected.Length, results[i].Logits.Length);
                    for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], results[i].Logits[c], 1e-4 * Math.Max(1, Math.Abs(expected[c])));
                    int argmax = Array.IndexOf(expected, expected.Max());
                    Assert.Equal(argmax, results[i].Top[0].Index);
                    Assert.Equal($"class {argmax}", results[i].Top[0].Name);
                    Assert.True(results[i].Top[0].Probability >= results[i].Top[1].Probability);
                }
            }
            GC.Collect();
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            liveAfterFirst ??= live;
            Assert.Equal(liveAfterFirst, live); // no tensor outlives a batch
        }
    }

    [Fact]
    public void TooSmallImagesAreSkippedWithAReason()
    {
        var paths = MakeImages(2, 20, 20, 4);
        using var model = BagNet.BagNet33(10, width: 4);
        var failures = new List<ImageFailure>();
        var results = new Classifier(model, new Preprocessing(0, 0)).Classify(paths, onFailure: failures.Add).ToList();
        Assert.Empty(results);
        Assert.Equal(2, failures.Count);
        Assert.Contains("smaller than the 33 pixels", failures[0].Reason);
    }

    [Fact]
    public void NpyRowsStreamToAValidFile()
    {
        var path = Path.Combine(_dir, "rows.npy");
        using (var writer = new NpyRowWriter(path, 3))
        {
            writer.Append(new[] { 1f, 2f, 3f });
            writer.Append(new[] { -1f, 0.5f, 1e6f });
            Assert.False(File.Exists(path)); // nothing at the target before completion
            writer.Complete();
        }
        using var t = Npy.Load(path);
        Assert.Equal(new long[] { 2, 3 }, t.shape);
        Assert.Equal(new[] { 1f, 2f, 3f, -1f, 0.5f, 1e6f }, t.data<float>().ToArray());
        // Abandoned writers leave nothing behind.
        using (var abandoned = new NpyRowWriter(Path.Combine(_dir, "gone.npy"), 2)) abandoned.Append(new[] { 1f, 2f });
        Assert.False(File.Exists(Path.Combine(_dir, "gone.npy")));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void ImageNetNamesAreBundled()
    {
        Assert.Equal(1000, ImageNetClasses.Names.Count);
        Assert.Equal("tabby, tabby cat", ImageNetClasses.Names[281]);
        Assert.Equal("n02123045", ImageNetClasses.Wnids[281]);
    }
}
